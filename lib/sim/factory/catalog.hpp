// What the generated plant is made of: device models (vendor, model, firmware)
// by class, machine and sensor kinds with their ranges and thresholds, the
// surnames of team leads; and the firmware and status words the live side
// reports when it drifts.
#pragma once

#include <array>
#include <string>

namespace twinctl::sim::factory {

struct Model {
  const char *vendor;
  const char *model;
  const char *firmware;
};

inline const std::array<Model, 3> k_plcs{{{"Siemens", "S7-1516F-3 PN/DP", "2.9.4"},
                                   {"Rockwell Automation", "ControlLogix 5580", "33.11.2"},
                                   {"Beckhoff", "CX5140", "3.1.4024"}}};
inline const std::array<Model, 2> k_hmis{
    {{"Siemens", "TP1200 Comfort", "17.0.3"}, {"Rockwell Automation", "PanelView 5510", "8.1.2"}}};
inline const std::array<Model, 3> k_drives{{{"SEW-Eurodrive", "MOVIDRIVE B", "4.21.6"},
                                     {"Danfoss", "VLT FC 302", "8.42.1"},
                                     {"ABB", "ACS880", "3.5.12"}}};
inline const std::array<Model, 3> k_switches{{{"Hirschmann", "RSP35", "9.1.2"},
                                       {"Cisco", "IE-3400", "17.9.4"},
                                       {"Moxa", "EDS-G516E", "6.3.1"}}};
inline const Model k_meter{"Schneider Electric", "PowerLogic PM5560", "2.7.4"};
inline const Model k_main_meter{"ABB", "M4M 30", "1.12.3"};
inline const Model k_server{"Dell", "PowerEdge R650", "2.19.1"};
inline const Model k_gateway{"Hirschmann", "EAGLE40-6", "4.3.2"};
inline const Model k_erp{"HPE", "ProLiant DL380 Gen11", "1.50.2"};

struct MachineKind {
  const char *prefix;
  const char *label;
  Model model;
  int kw_min, kw_max;
  bool inspected; // carries a safety-inspection certificate
  const char *criticality;
};

inline const std::array<MachineKind, 10> k_machines{{
    {"press", "Hydraulic press", {"Schuler", "MSD 400", "4.2.1"}, 15, 90, true, "safety"},
    {"cnc", "CNC machining centre", {"DMG Mori", "DMU 65", "8.1.3"}, 20, 45, false, "high"},
    {"robot", "Welding robot", {"KUKA", "KR 16 R1610-2", "8.7.4"}, 3, 8, true, "safety"},
    {"conveyor", "Conveyor", {"Interroll", "RollerDrive EC5000", "2.3.1"}, 1, 6, false, "medium"},
    {"oven", "Curing oven", {"Heller", "1913 MK5", "3.4.2"}, 40, 120, true, "high"},
    {"pump", "Coolant pump", {"Grundfos", "CR 15", "1.9.2"}, 4, 22, false, "medium"},
    {"filler", "Filling machine", {"Krones", "Modulfill", "6.1.2"}, 10, 35, false, "high"},
    {"packer", "Case packer", {"Schubert", "TLM F44", "5.2.1"}, 8, 25, false, "medium"},
    {"mixer", "Mixer", {"Eirich", "R08W", "2.11.1"}, 15, 55, false, "medium"},
    {"compressor", "Air compressor", {"Atlas Copco", "GA 37 VSD", "3.1.7"}, 30, 37, true, "high"},
}};

struct SensorKind {
  const char *id;     // sensor id on the asset
  const char *prefix; // asset id prefix of a stand-alone sensor
  const char *label;
  const char *type;
  const char *unit;
  Model model;
  int min, max;                        // measuring range
  int low_warn, high_warn, high_alarm; // thresholds (low_warn < -1000 = none)
  int hysteresis;
  int normal_lo, normal_hi; // where healthy readings lie
};

inline constexpr int k_none = -100000;

inline const std::array<SensorKind, 6> k_sensors{{
    {"temp",
     "ts",
     "Temperature sensor",
     "temperature",
     "Cel",
     {"ifm", "TA2105", "1.6.2"},
     -20,
     150,
     10,
     70,
     85,
     2,
     35,
     60},
    {"pressure",
     "pt",
     "Pressure transmitter",
     "pressure",
     "bar",
     {"Endress+Hauser", "Cerabar PMC71", "2.4.1"},
     0,
     250,
     20,
     180,
     210,
     5,
     60,
     160},
    {"vibration",
     "vs",
     "Vibration sensor",
     "vibration",
     "mm/s",
     {"ifm", "VVB001", "1.3.4"},
     0,
     50,
     k_none,
     7,
     11,
     1,
     1,
     5},
    {"current",
     "ct",
     "Current transducer",
     "current",
     "A",
     {"Phoenix Contact", "PACT RCP", "1.2.1"},
     0,
     400,
     k_none,
     300,
     350,
     10,
     40,
     220},
    {"flow",
     "ft",
     "Flow meter",
     "flow",
     "m3/h",
     {"Endress+Hauser", "Promag 10W", "2.2.3"},
     0,
     120,
     5,
     90,
     110,
     2,
     20,
     80},
    {"level",
     "lt",
     "Level sensor",
     "level",
     "%",
     {"SICK", "LFP Cubic", "1.5.1"},
     0,
     100,
     10,
     85,
     95,
     2,
     30,
     70},
}};

inline const std::array<const char *, 12> k_surnames{{"Nguyen", "Schmidt", "Okafor", "Rossi", "Kowalski",
                                               "Haddad", "Lindqvist", "Tanaka", "Moreau", "Silva",
                                               "Novak", "Fischer"}};

// Live status words the twin aliases (twin.yaml defaults.status_aliases).
const char *status_alias(const std::string &status);

// A firmware one step behind (negative) or ahead (positive) of `fw`.
std::string firmware_step(const std::string &fw, bool ahead);

} // namespace twinctl::sim::factory
