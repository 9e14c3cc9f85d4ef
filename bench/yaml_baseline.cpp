// The bare libyaml baseline of bench/RESULTS.md: read every file named on
// stdin (one path per line) and run libyaml's event parser over it, building
// nothing. One thread. Prints bytes, seconds and MB/s.
#include <yaml.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main() {
  std::vector<std::string> texts;
  std::string path;
  size_t bytes = 0;
  while (std::getline(std::cin, path)) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
    bytes += texts.back().size();
  }
  auto start = std::chrono::steady_clock::now();
  size_t events = 0;
  for (const std::string& t : texts) {
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, reinterpret_cast<const unsigned char*>(t.data()), t.size());
    yaml_event_t e;
    bool done = false;
    while (!done) {
      if (!yaml_parser_parse(&p, &e)) {
        std::fprintf(stderr, "parse error\n");
        return 1;
      }
      done = e.type == YAML_STREAM_END_EVENT;
      ++events;
      yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("files %zu bytes %zu events %zu seconds %.3f MB/s %.1f\n", texts.size(), bytes, events, s,
              static_cast<double>(bytes) / 1e6 / s);
}
