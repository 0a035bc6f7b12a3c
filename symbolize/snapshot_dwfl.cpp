#include "symbolize/snapshot_dwfl.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "symbolize/debuginfo_search.hpp"

namespace gmr::symbolize {
namespace {

using Source = SnapshotDwfl::ModuleSource;

int find_elf_cb(Dwfl_Module*, void** userdata, const char*, Dwarf_Addr, char** file_name, Elf** elfp) {
  auto* source = static_cast<Source*>(*userdata);
  if (source == nullptr) return -1;
  return source->session->find_elf(*source, file_name, elfp);
}

const Dwfl_Callbacks module_callbacks = {
    .find_elf = find_elf_cb,
    .find_debuginfo = find_debuginfo,  // symbolize/debuginfo_search.hpp
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

// libdwfl gives no way to set its error code from a callback: a failing callback leaves dwfl_errno() as it was.
pid_t next_thread_cb(Dwfl*, void* arg, void** thread_argp) {
  auto* session = static_cast<SnapshotDwfl*>(arg);
  auto* current = static_cast<const attach::ThreadSnapshot* const*>(*thread_argp);
  const auto* next = current == nullptr ? session->thread_begin() : current + 1;
  if (next == session->thread_end()) return 0;
  *thread_argp = const_cast<const attach::ThreadSnapshot**>(next);
  return (*next)->facts.tid;
}

bool get_thread_cb(Dwfl*, pid_t tid, void* arg, void** thread_argp) {
  auto* session = static_cast<SnapshotDwfl*>(arg);
  const auto* found = session->find_thread(tid);
  if (found == nullptr) return false;
  *thread_argp = const_cast<const attach::ThreadSnapshot**>(found);
  return true;
}

bool memory_read_cb(Dwfl*, Dwarf_Addr address, Dwarf_Word* result, void* arg) {
  return static_cast<SnapshotDwfl*>(arg)->read_memory(address, result);
}

bool set_initial_registers_cb(Dwfl_Thread* thread, void* thread_arg) {
  const auto& regs = *(*static_cast<const attach::ThreadSnapshot* const*>(thread_arg))->registers;
  // x86-64 DWARF register numbers 0..16.
  const Dwarf_Word dwarf_regs[17] = {
      regs.rax, regs.rdx, regs.rcx, regs.rbx, regs.rsi, regs.rdi, regs.rbp, regs.rsp, regs.r8,
      regs.r9,  regs.r10, regs.r11, regs.r12, regs.r13, regs.r14, regs.r15, regs.rip,
  };
  return dwfl_thread_state_registers(thread, 0, 17, dwarf_regs);
}

const Dwfl_Thread_Callbacks thread_callbacks = {
    .next_thread = next_thread_cb,
    .get_thread = get_thread_cb,
    .memory_read = memory_read_cb,
    .set_initial_registers = set_initial_registers_cb,
    .detach = nullptr,
    .thread_detach = nullptr,
};

bool same_file(const attach::Mapping& a, const attach::Mapping& b) {
  return a.inode == b.inode && a.device == b.device;
}

std::atomic<std::size_t> sessions_begun{0};

}  // namespace

std::size_t dwfl_sessions_begun() { return sessions_begun.load(); }

SnapshotDwfl::SnapshotDwfl(attach::Maps maps, const attach::FileSource& files)
    : layout_maps_(std::move(maps)), files_(files), unwind_unavailable_("cannot unwind: no snapshot was attached") {}

SnapshotDwfl::~SnapshotDwfl() = default;

OpenedSession SnapshotDwfl::open(attach::Maps maps, const attach::FileSource& files) {
  std::unique_ptr<SnapshotDwfl> session{new SnapshotDwfl(std::move(maps), files)};
  session->dwfl_.reset(dwfl_begin(&module_callbacks));
  ++sessions_begun;
  if (!session->dwfl_) return std::unexpected(std::string("dwfl_begin: ") + dwfl_errmsg(-1));
  if (!session->report_modules(session->layout_maps_, false))
    return std::unexpected(std::string("reporting modules: ") + dwfl_errmsg(-1));
  return session;
}

OpenedSession SnapshotDwfl::open(const attach::Snapshot& snapshot, const attach::FileSource& files) {
  auto session = open(snapshot.maps, files);
  if (session) (*session)->attach(snapshot);
  return session;
}

void SnapshotDwfl::attach(const attach::Snapshot& snapshot) {
  if (memory_) return;  // one snapshot per session: libdwfl attaches thread state once
  memory_.emplace(snapshot, files_);
  maps_ = &snapshot.maps;
  for (const auto& thread : snapshot.threads)
    if (thread.freeze == attach::FreezeState::frozen && thread.registers) unwindable_.push_back(&thread);
  std::ranges::sort(unwindable_, {}, [](const attach::ThreadSnapshot* t) { return t->facts.tid; });
  if (snapshot.vdso) {
    vdso_image_.resize(snapshot.vdso->bytes.size());
    std::memcpy(vdso_image_.data(), snapshot.vdso->bytes.data(), vdso_image_.size());
  }
  if (!report_modules(snapshot.maps, true)) {
    unwind_unavailable_ = std::string("cannot unwind: reporting modules: ") + dwfl_errmsg(-1);
    return;
  }
  // A null Elf lets libdwfl take the architecture from the first module whose ELF opens.
  if (dwfl_attach_state(dwfl_.get(), nullptr, snapshot.pid, &thread_callbacks, this))
    unwind_unavailable_.reset();
  else
    unwind_unavailable_ = dwfl_errmsg(-1);
}

void SnapshotDwfl::forget_stacks(const attach::ThreadSnapshot& thread) {
  if (!memory_) return;
  if (thread.stack) memory_->forget(*thread.stack);
  if (thread.interrupted_stack) memory_->forget(*thread.interrupted_stack);
}

SnapshotDwfl::ModuleSource* SnapshotDwfl::add_source(const attach::Mapping* first, bool vdso) {
  sources_.push_back(std::make_unique<ModuleSource>(ModuleSource{this, first, vdso}));
  return sources_.back().get();
}

// Groups consecutive mappings of one file into one module like libdwfl's own linux-proc-maps.c:
// non-file mappings in between (.bss, gaps) do not end a group; the vDSO does (reported or not, so that
// both reports of a session group alike and unchanged modules are kept).
bool SnapshotDwfl::report_modules(const attach::Maps& maps, bool with_vdso) {
  Dwfl* dwfl = dwfl_.get();
  dwfl_report_begin(dwfl);

  const attach::Mapping* first = nullptr;
  std::uint64_t high = 0;
  auto report = [&](const std::string& name, std::uint64_t low, std::uint64_t end, const attach::Mapping* start,
                    bool vdso) {
    Dwfl_Module* module = dwfl_report_module(dwfl, name.c_str(), low, end);
    if (module == nullptr) return false;
    void** userdata = nullptr;
    dwfl_module_info(module, &userdata, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    if (*userdata == nullptr)
      *userdata = add_source(start, vdso);
    else
      static_cast<ModuleSource*>(*userdata)->first_mapping = start;  // a module kept from the last report
    return true;
  };
  auto flush = [&] {
    if (first == nullptr) return true;
    const bool ok = report(first->path, first->start, high, first, false);
    first = nullptr;
    return ok;
  };

  for (const auto& mapping : maps) {
    if (mapping.path == "[vdso]") {
      if (!flush()) return false;
      if (with_vdso && !report("[vdso]", mapping.start, mapping.end, &mapping, true)) return false;
      continue;
    }
    if (!mapping.file_backed()) continue;
    if (first != nullptr && same_file(*first, mapping) && first->path == mapping.path) {
      high = mapping.end;
      continue;
    }
    if (!flush()) return false;
    first = &mapping;
    high = mapping.end;
  }
  if (!flush()) return false;
  return dwfl_report_end(dwfl, nullptr, nullptr) == 0;
}

int SnapshotDwfl::find_elf(const ModuleSource& source, char** file_name, Elf** elfp) {
  if (source.vdso) {
    if (vdso_image_.empty()) return -1;
    *elfp = elf_memory(vdso_image_.data(), vdso_image_.size());
    *file_name = nullptr;
    return -1;
  }
  auto opened = files_.open(*source.first_mapping);
  if (!opened) return -1;
  *file_name = ::strdup(opened->path.c_str());
  if (*file_name == nullptr) return -1;
  return opened->fd.release();  // libdwfl owns it from here
}

bool SnapshotDwfl::read_memory(Dwarf_Addr address, Dwarf_Word* result) {
  auto word = memory_ ? memory_->read_word(address) : std::nullopt;
  if (!word) {
    if (!failed_read_) failed_read_ = address;
    return false;
  }
  *result = *word;
  return true;
}

bool SnapshotDwfl::in_executable_mapping(std::uint64_t address) const {
  const attach::Mapping* mapping = maps_ != nullptr ? maps_->find(address) : nullptr;
  return mapping != nullptr && mapping->executable();
}

bool SnapshotDwfl::in_anonymous_code(std::uint64_t address) const {
  const attach::Mapping* mapping = maps_ != nullptr ? maps_->find(address) : nullptr;
  return mapping != nullptr && mapping->executable() && !mapping->file_backed() && mapping->path != "[vdso]" &&
         mapping->path != "[vsyscall]";
}

const attach::ThreadSnapshot* const* SnapshotDwfl::find_thread(pid_t tid) const {
  auto it = std::ranges::lower_bound(unwindable_, tid, {}, [](const attach::ThreadSnapshot* t) { return t->facts.tid; });
  if (it == unwindable_.end() || (*it)->facts.tid != tid) return nullptr;
  return &*it;
}

}  // namespace gmr::symbolize
