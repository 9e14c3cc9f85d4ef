#include "lib/util/json_stream.hpp"

namespace twinctl::util {

void JsonElementOut::value(const nlohmann::json& v) {
  m_s.dump(v, true, false, 2, 4);
}

void write_json_streamed(std::ostream& out, const nlohmann::json& doc, const std::vector<StreamedArray>& streamed) {
  nlohmann::detail::serializer<nlohmann::json> s(nlohmann::detail::output_adapter<char>(out), ' ',
                                                 nlohmann::json::error_handler_t::replace);
  if (doc.empty()) {
    out << "{}\n";
    return;
  }
  JsonElementOut element_out(out, s);
  out << "{";
  bool first = true;
  for (const auto& [key, value] : doc.items()) {
    out << (first ? "\n  " : ",\n  ");
    first = false;
    s.dump(nlohmann::json(key), false, false, 0);
    out << ": ";
    const StreamedArray* array = nullptr;
    for (const StreamedArray& a : streamed) {
      if (a.key == key && a.count > 0) {
        array = &a;
      }
    }
    if (!array) {
      s.dump(value, true, false, 2, 2);
      continue;
    }
    out << "[";
    for (size_t i = 0; i < array->count; ++i) {
      out << (i ? ",\n    " : "\n    ");
      array->element(element_out, i);
    }
    out << "\n  ]";
  }
  out << "\n}\n";
}

} // namespace twinctl::util
