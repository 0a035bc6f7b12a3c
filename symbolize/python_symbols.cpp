#include "symbolize/python_symbols.hpp"

#include <gelf.h>

#include <algorithm>
#include <cstring>
#include <regex>
#include <string_view>

#include "symbolize/python/debug_offsets.hpp"

namespace gmr::symbolize {
namespace {

std::string_view base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// The defined symbols of one module that say what CPython it is.
struct ModuleScan {
  std::optional<std::uint64_t> runtime;
  std::optional<GElf_Sym> py_version;
  std::optional<std::uint64_t> py_version_address;
  bool debug_symbol = false;
  python::KnownTypes types;
  std::optional<std::uint64_t> greenlet_type;
  std::optional<std::uint64_t> hash_secret;
};

ModuleScan scan_module(Dwfl_Module* module) {
  ModuleScan scan;
  const int count = dwfl_module_getsymtab(module);
  for (int i = 1; i < count; ++i) {
    GElf_Sym sym;
    GElf_Addr address = 0;
    const char* raw = dwfl_module_getsym_info(module, i, &sym, &address, nullptr, nullptr, nullptr);
    if (raw == nullptr || sym.st_shndx == SHN_UNDEF) continue;
    std::string_view name(raw);
    name = name.substr(0, name.find('@'));
    if (std::ranges::find(python::debug_build_symbols, name) != std::end(python::debug_build_symbols)) {
      scan.debug_symbol = true;
      continue;
    }
    if (GELF_ST_TYPE(sym.st_info) != STT_OBJECT) continue;
    if (name == "_PyRuntime") scan.runtime = address;
    else if (name == "Py_Version") scan.py_version = sym, scan.py_version_address = address;
    else if (name == "PyCode_Type") scan.types.code = address;
    else if (name == "PyUnicode_Type") scan.types.str = address;
    else if (name == "PyBytes_Type") scan.types.bytes = address;
    else if (name == "PyLong_Type") scan.types.int_ = address;
    else if (name == "PyDict_Type") scan.types.dict = address;
    else if (name == "PyModule_Type") scan.types.module = address;
    else if (name == "PyFrame_Type") scan.types.frame = address;
    else if (name == "PyGreenlet_Type") scan.greenlet_type = address;
    else if (name == "_Py_HashSecret") scan.hash_secret = address;
  }
  return scan;
}

/// The 4-byte value of the symbol at run-time `address` as the module's file holds it (.rodata).
std::optional<std::uint32_t> read_u32_from_file(Dwfl_Module* module, std::uint64_t address) {
  Dwarf_Addr offset = address;
  Dwarf_Addr bias = 0;
  Elf_Scn* section = dwfl_module_address_section(module, &offset, &bias);
  if (section == nullptr) return std::nullopt;
  Elf_Data* data = elf_getdata(section, nullptr);
  if (data == nullptr || data->d_buf == nullptr || data->d_type != ELF_T_BYTE) return std::nullopt;
  if (offset > data->d_size || data->d_size - offset < sizeof(std::uint32_t)) return std::nullopt;
  std::uint32_t value = 0;
  std::memcpy(&value, static_cast<const char*>(data->d_buf) + offset, sizeof value);
  return value;
}

struct Candidates {
  const std::optional<std::string>* executable = nullptr;
  Dwfl_Module* interpreter = nullptr;  // the executable wins over a libpython
  bool interpreter_is_executable = false;
  ModuleScan interpreter_scan;
  std::string interpreter_name;
  std::optional<std::uint64_t> greenlet_type;
};

int visit_module(Dwfl_Module* module, void**, const char* name, Dwarf_Addr, void* arg) {
  auto& c = *static_cast<Candidates*>(arg);
  if (name == nullptr) return DWARF_CB_OK;
  const std::string_view file = base_name(name);
  const bool is_executable = c.executable->has_value() && **c.executable == name;
  if (file.starts_with("_greenlet")) {
    if (auto type = scan_module(module).greenlet_type; type && !c.greenlet_type) c.greenlet_type = type;
    return DWARF_CB_OK;
  }
  if (!is_executable && !file.starts_with("libpython3")) return DWARF_CB_OK;
  if (c.interpreter != nullptr && (c.interpreter_is_executable || !is_executable)) return DWARF_CB_OK;
  ModuleScan scan = scan_module(module);
  if (!scan.runtime) return DWARF_CB_OK;
  c.interpreter = module;
  c.interpreter_is_executable = is_executable;
  c.interpreter_scan = scan;
  c.interpreter_name = name;
  return DWARF_CB_OK;
}

/// A MemorySource holding the one copy read before the freeze.
class PreFreezeBytes final : public attach::MemorySource {
 public:
  explicit PreFreezeBytes(const std::optional<attach::MemoryCopy>& copy) : copy_(copy) {}
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override {
    if (!copy_ || address < copy_->start || address >= copy_->end()) return 0;
    const std::size_t n = std::min<std::size_t>(out.size(), copy_->end() - address);
    std::memcpy(out.data(), copy_->bytes.data() + (address - copy_->start), n);
    return n;
  }

 private:
  const std::optional<attach::MemoryCopy>& copy_;
};

}  // namespace

std::optional<PythonSymbols> find_python(SnapshotDwfl& session, const std::optional<std::string>& executable) {
  Candidates candidates;
  candidates.executable = &executable;
  dwfl_getmodules(session.dwfl(), visit_module, &candidates, 0);
  if (candidates.interpreter == nullptr) return std::nullopt;
  const ModuleScan& scan = candidates.interpreter_scan;
  PythonSymbols symbols;
  symbols.module = candidates.interpreter_name;
  symbols.build.runtime = *scan.runtime;
  symbols.build.has_debug_symbol = scan.debug_symbol;
  if (scan.py_version_address && scan.py_version->st_size >= sizeof(std::uint32_t)) {
    // `const unsigned long Py_Version`: its low 4 bytes (x86-64 is little-endian).
    if (auto value = read_u32_from_file(candidates.interpreter, *scan.py_version_address)) {
      symbols.build.py_version = *value;
      symbols.has_py_version = true;
    }
  }
  symbols.types = scan.types;
  symbols.hash_secret = scan.hash_secret;
  symbols.greenlet_type = candidates.greenlet_type;
  return symbols;
}

std::optional<PreFreezeRead> python_pre_freeze_read(const PythonSymbols& symbols) {
  if (!symbols.has_py_version || (symbols.build.py_version >> 16) != 0x030d) return std::nullopt;
  return PreFreezeRead{symbols.build.runtime, python::debug_offsets_size_3_13};
}

python::PythonPlan plan_python(const PythonSymbols& symbols, const std::optional<attach::MemoryCopy>& pre_freeze) {
  python::PythonPlan plan;
  if (!symbols.has_py_version) {
    // Py_Version exists since 3.11; the file name usually says which older version this is.
    static const std::regex versioned(R"(python(3\.[0-9]+))");
    const std::string file(base_name(symbols.module));
    std::smatch m;
    const std::string which = std::regex_search(file, m, versioned) ? "Python " + m[1].str() : "a Python older than 3.11";
    plan.refused = which + " (" + file + ", no Py_Version) is not supported (3.11 to 3.13 are)";
    return plan;
  }
  const PreFreezeBytes memory(pre_freeze);
  auto layout = python::select_layout(symbols.build, memory);
  if (!layout) {
    plan.refused = layout.error().message;
    return plan;
  }
  python::PythonTarget target;
  target.layout = std::move(*layout);
  target.module = symbols.module;
  target.runtime = symbols.build.runtime;
  target.types = symbols.types;
  target.greenlet_type = symbols.greenlet_type;
  target.hash_secret = symbols.hash_secret;
  plan.target = std::move(target);
  return plan;
}

}  // namespace gmr::symbolize
