// The one exception type twinctl throws. Messages say what and where:
// "assets/press-07.yaml:12:3: unknown key 'locatd_in'".
#pragma once

#include <stdexcept>
#include <string>

namespace twinctl {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace twinctl
