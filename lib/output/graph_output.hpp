// Formatters of the asset-graph reports: `simulate failure` (FailureReport),
// `rca` (RcaReport) and `graph` (GraphView). One file per report and format;
// formatters never compute.
#pragma once

#include "lib/graph/impact.hpp"
#include "lib/graph/view.hpp"
#include "lib/rca/report.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace twinctl::output {

// Left-aligned columns, two spaces apart (the plain-text tables of these reports).
std::string columns(const std::vector<std::vector<std::string>>& rows);

// simulate failure: schemas/failure.schema.json.
void write_failure_table(std::ostream& out, const graph::FailureReport& r);
nlohmann::json failure_json(const graph::FailureReport& r);
void write_failure_json(std::ostream& out, const graph::FailureReport& r);
void write_failure_markdown(std::ostream& out, const graph::FailureReport& r);

// rca: schemas/rca.schema.json.
void write_rca_table(std::ostream& out, const rca::RcaReport& r);
nlohmann::json rca_json(const rca::RcaReport& r);
void write_rca_json(std::ostream& out, const rca::RcaReport& r);
void write_rca_markdown(std::ostream& out, const rca::RcaReport& r);

// graph: Graphviz DOT, Mermaid flowchart, JSON (schemas/graph.schema.json).
void write_graph_dot(std::ostream& out, const graph::GraphView& v);
void write_graph_mermaid(std::ostream& out, const graph::GraphView& v);
nlohmann::json graph_json(const graph::GraphView& v);
void write_graph_json(std::ostream& out, const graph::GraphView& v);

} // namespace twinctl::output
