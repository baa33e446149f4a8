#include "geo/gdal_session.hpp"

#include <cpl_error.h>
#include <gdal.h>

#include <mutex>

namespace corridor::geo::detail {

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
  });
}

std::string last_gdal_error(const std::string& fallback) {
  const char* msg = CPLGetLastErrorMsg();
  std::string text = (msg != nullptr && *msg != '\0') ? std::string(msg) : fallback;
  CPLErrorReset();
  return text;
}

}  // namespace corridor::geo::detail
