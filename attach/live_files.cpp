#include "attach/live_files.hpp"

#include "attach/mapped_file.hpp"

namespace gmr::attach {

std::optional<OpenedFile> LiveFiles::open(const Mapping& mapping) const { return open_mapped_file(layout_, mapping); }

}  // namespace gmr::attach
