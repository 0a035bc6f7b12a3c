// Small JSON values shared by the report's serializers: an absent value is null, never "" or 0; a target
// address is a "0x…" string (report/render/report_json.hpp states the contract).
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "report/render/format.hpp"
#include "symbolize/shared_text.hpp"

namespace gmr::report {

template <typename T>
nlohmann::ordered_json or_null(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

inline nlohmann::ordered_json or_null(const symbolize::SharedText& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

inline nlohmann::ordered_json hex_or_null(const std::optional<std::uint64_t>& value) {
  return value ? nlohmann::ordered_json(format_hex(*value)) : nlohmann::ordered_json(nullptr);
}

}  // namespace gmr::report
