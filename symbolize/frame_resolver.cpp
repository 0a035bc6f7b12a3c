#include "symbolize/frame_resolver.hpp"

#include <dwarf.h>

#include <atomic>

#include "symbolize/build_id.hpp"
#include "symbolize/demangle.hpp"
#include "symbolize/inline_chain.hpp"

namespace gmr::symbolize {
namespace {

std::optional<std::string> compilation_dir(Dwarf_Die cu) {
  Dwarf_Attribute attr;
  if (dwarf_attr(&cu, DW_AT_comp_dir, &attr) == nullptr) return std::nullopt;
  if (const char* dir = dwarf_formstring(&attr)) return std::string(dir);
  return std::nullopt;
}

// Line tables may name files relative to the compilation directory ("../sysdeps/…", "./libio/…"); such a
// name means nothing relative to gmr's working directory. nullopt: no absolute path is known.
std::optional<std::string> readable_path(const std::string& file, const std::optional<std::string>& comp_dir) {
  if (file.starts_with('/')) return file;
  if (comp_dir && comp_dir->starts_with('/')) return *comp_dir + "/" + file;
  return std::nullopt;
}

void set_position(CachedFrame& frame, const SourcePosition& position) {
  frame.file = position.file;
  frame.line = position.line;
  frame.column = position.column;
}

std::atomic<std::size_t> dwarf_lookup_count{0};

}  // namespace

std::size_t dwarf_lookups() { return dwarf_lookup_count.load(); }

const std::vector<NamedFrame>& FrameResolver::resolve(const RawFrame& raw) {
  const auto key = std::pair(raw.pc, raw.is_activation);
  auto it = cache_.find(key);
  if (it == cache_.end()) it = cache_.emplace(key, resolve_uncached(raw)).first;
  return it->second;
}

CuScopes& FrameResolver::scopes_of(Dwarf_Die cu) {
  // A CU's DIE address (in libdw's copy of .debug_info) is unique for the life of the Dwfl.
  auto& scopes = cu_scopes_[cu.addr];
  if (!scopes) scopes = std::make_unique<CuScopes>(CuScopes::build(cu));
  return *scopes;
}

FrameResolver::ModuleInfo& FrameResolver::module_info(Dwfl_Module* module) {
  auto it = modules_.find(module);
  if (it != modules_.end()) return it->second;
  ModuleInfo info;
  info.name = dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  info.shared_name = texts_.intern(info.name);
  GElf_Addr bias = 0;
  if (dwfl_module_getelf(module, &bias) != nullptr) info.elf_bias = bias;
  info.build_id = texts_.intern(build_id_hex(module));
  if (persistent_ != nullptr && info.elf_bias) info.cache_identity = persistent_->identity_of(module);
  return modules_.emplace(module, std::move(info)).first->second;
}

std::optional<std::pair<Dwarf_Die, Dwarf_Addr>> FrameResolver::find_cu(Dwfl_Module* module, ModuleInfo& info,
                                                                       std::uint64_t pc, bool& without_aranges) {
  ++dwarf_lookup_count;
  Dwarf_Addr bias = 0;
  // .debug_aranges may name a CU that does not hold the pc: a Go executable with cgo has aranges for its
  // C compilation units only, and libdw then answers one of them for Go code. Trust it only when the CU's
  // own ranges hold the pc.
  if (Dwarf_Die* cu = dwfl_module_addrdie(module, pc, &bias); cu != nullptr && dwarf_haspc(cu, pc - bias) == 1)
    return std::pair(*cu, bias);
  if (dwfl_module_getdwarf(module, &bias) == nullptr) return std::nullopt;
  if (!info.cu_ranges) info.cu_ranges = std::make_unique<CuRanges>(CuRanges::build(module));
  auto cu = info.cu_ranges->find(pc - bias);
  if (!cu) return std::nullopt;
  without_aranges = true;
  return std::pair(*cu, bias);
}

CachedPc FrameResolver::resolve_in_module(Dwfl_Module* module, ModuleInfo& info, const RawFrame& raw) {
  const std::uint64_t pc = raw.lookup_pc();
  CachedPc resolved;
  CachedFrame outer;
  if (!info.symbols) info.symbols = std::make_unique<SymbolTable>(SymbolTable::functions(module));
  if (auto symbol = info.symbols->lookup(pc)) {
    outer.function = demangle(*symbol->name);
    outer.function_offset = raw.pc - symbol->start;
  }

  std::optional<std::string> comp_dir;
  if (auto cu = find_cu(module, info, pc, resolved.without_aranges)) {
    comp_dir = compilation_dir(cu->first);
    const auto& [cu_die, dwarf_bias] = *cu;
    const Dwarf_Addr dwarf_pc = pc - dwarf_bias;
    const std::vector<FunctionScope> chain = inline_chain(scopes_of(cu_die), dwarf_pc);
    SourcePosition position = line_at(cu_die, dwarf_pc);
    for (const FunctionScope& scope : chain) {
      if (!scope.inlined) {
        // DWARF's name for the out-of-line function, as eu-stack -i and gdb print it (the symbol may be
        // a public alias: "pthread_cond_wait" for ___pthread_cond_wait); the offset stays the symbol's.
        if (scope.name) {
          if (!outer.function_offset && scope.entry_pc && pc >= *scope.entry_pc + dwarf_bias)
            outer.function_offset = raw.pc - (*scope.entry_pc + dwarf_bias);
          outer.function = scope.name;
        }
        break;
      }
      CachedFrame inlined;
      inlined.inlined = true;
      inlined.function = scope.name;
      set_position(inlined, position);
      resolved.frames.push_back(std::move(inlined));
      position = scope.call_site;  // the caller's position is where it called this inlined function
    }
    set_position(outer, position);
  }
  resolved.frames.push_back(std::move(outer));
  for (CachedFrame& frame : resolved.frames)
    if (frame.file) frame.source_path = readable_path(*frame.file, comp_dir);
  return resolved;
}

std::vector<NamedFrame> FrameResolver::resolve_uncached(const RawFrame& raw) {
  NamedFrame unknown;
  unknown.pc = raw.pc;
  Dwfl_Module* module = dwfl_addrmodule(dwfl_, raw.lookup_pc());
  if (module == nullptr) return {unknown};
  ModuleInfo& info = module_info(module);

  CachedPc fresh;
  const CachedPc* resolved = nullptr;
  std::optional<CachedPcKey> key;
  if (info.cache_identity) {  // only with an ELF: elf_bias is known
    key = CachedPcKey{raw.pc - *info.elf_bias, raw.is_activation};
    resolved = persistent_->find(*info.cache_identity, *key);
  }
  if (resolved == nullptr) {
    fresh = resolve_in_module(module, info, raw);
    if (key) persistent_->add(*info.cache_identity, *key, fresh);
    resolved = &fresh;
  }
  if (resolved->without_aranges) modules_without_aranges_.insert(info.name);

  std::vector<NamedFrame> frames;
  frames.reserve(resolved->frames.size());
  for (const CachedFrame& cached : resolved->frames) {
    NamedFrame frame;
    frame.pc = raw.pc;
    frame.inlined = cached.inlined;
    frame.function = texts_.intern(cached.function);
    frame.function_offset = cached.function_offset;
    frame.module = info.shared_name;
    if (info.elf_bias) frame.module_offset = raw.pc - *info.elf_bias;
    frame.build_id = info.build_id;
    frame.file = texts_.intern(cached.file);
    frame.line = cached.line;
    frame.column = cached.column;
    if (sources_ != nullptr && cached.source_path && cached.line) frame.source = sources_->line(*cached.source_path, *cached.line);
    frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace gmr::symbolize
