// The stable names the gmr note gives the Snapshot's enums (report/core/snapshot_note.hpp): the writer
// prints them, the reader maps them back and refuses any other.
#pragma once

#include <cstddef>
#include <utility>

#include "attach/snapshot.hpp"

namespace gmr::core::note_names {

inline constexpr std::pair<attach::FreezeState, const char*> freeze_names[] = {
    {attach::FreezeState::frozen, "frozen"},
    {attach::FreezeState::not_frozen, "not_frozen"},
    {attach::FreezeState::exited, "exited"}};
inline constexpr std::pair<attach::StopKind, const char*> stop_names[] = {
    {attach::StopKind::interrupt, "interrupt"},
    {attach::StopKind::group_stop, "group_stop"},
    {attach::StopKind::signal_delivery, "signal_delivery"},
    {attach::StopKind::clone_event, "clone_event"},
    {attach::StopKind::core_signal, "core_signal"}};
inline constexpr std::pair<attach::ThreadCopyError::Kind, const char*> copy_error_names[] = {
    {attach::ThreadCopyError::Kind::no_registers, "no_registers"},
    {attach::ThreadCopyError::Kind::stack_not_captured, "stack_not_captured"},
    {attach::ThreadCopyError::Kind::stack_unreadable, "stack_unreadable"}};
inline constexpr std::pair<attach::ValueLayout, const char*> value_layout_names[] = {
    {attach::ValueLayout::char_array, "char_array"},
    {attach::ValueLayout::char_pointer, "char_pointer"},
    {attach::ValueLayout::std_string, "std_string"},
    {attach::ValueLayout::std_string_view, "std_string_view"}};

template <typename E, std::size_t N>
const char* name_of(const std::pair<E, const char*> (&table)[N], E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown";
}

}  // namespace gmr::core::note_names
