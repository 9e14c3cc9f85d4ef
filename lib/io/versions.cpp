#include "lib/io/versions.hpp"

#include <curl/curl.h>
#include <git2.h>
#include <google/protobuf/stubs/common.h>
#include <mosquitto.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>
#include <sqlite3.h>
#include <yaml.h>

namespace twinctl::io {

namespace {

std::string dotted(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

} // namespace

std::vector<LibraryVersion> library_versions() {
  std::vector<LibraryVersion> out;
  int major = 0, minor = 0, patch = 0;
  git_libgit2_version(&major, &minor, &patch);
  out.push_back({"libgit2", LIBGIT2_VERSION, dotted(major, minor, patch)});
  out.push_back({"libyaml", yaml_get_version_string(), ""}); // yaml.h carries no version macro
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  out.push_back({"libcurl", LIBCURL_VERSION, curl->version});
  if (curl->ssl_version)
    out.push_back({"TLS (libcurl)", curl->ssl_version, ""});
  mosquitto_lib_version(&major, &minor, &patch);
  out.push_back({"libmosquitto", dotted(LIBMOSQUITTO_MAJOR, LIBMOSQUITTO_MINOR, LIBMOSQUITTO_REVISION),
                 dotted(major, minor, patch)});
  out.push_back({"SQLite", SQLITE_VERSION, sqlite3_libversion()});
  out.push_back({"protobuf", google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION), ""});
  out.push_back({"simdjson",
                 dotted(simdjson::SIMDJSON_VERSION_MAJOR, simdjson::SIMDJSON_VERSION_MINOR,
                        simdjson::SIMDJSON_VERSION_REVISION),
                 ""});
  out.push_back({"nlohmann_json",
                 dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH), ""});
  return out;
}

std::string version_text(const std::string& tool_version) {
  std::string out = "twinctl " + tool_version + "\n";
  for (const LibraryVersion& lib : library_versions()) {
    out += "  " + lib.name + " " + lib.built;
    if (!lib.running.empty() && lib.running != lib.built)
      out += " (running " + lib.running + ")";
    out += "\n";
  }
  return out;
}

} // namespace twinctl::io
