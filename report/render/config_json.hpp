// The configuration pieces of a gmr.report/2 object (nlohmann ADL serializers, the contract of
// report/render/report_json.hpp): a block's source, its INI groups and options or its text, and every mask.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "report/config.hpp"

namespace gmr::report {

void to_json(nlohmann::ordered_json& out, const ConfigSource& source);
void to_json(nlohmann::ordered_json& out, const ValueMask& mask);
void to_json(nlohmann::ordered_json& out, const TextMask& mask);
void to_json(nlohmann::ordered_json& out, const ConfigOption& option);
void to_json(nlohmann::ordered_json& out, const ConfigGroup& group);
void to_json(nlohmann::ordered_json& out, const ConfigBlock& block);
void to_json(nlohmann::ordered_json& out, const CustomSection& section);

}  // namespace gmr::report
