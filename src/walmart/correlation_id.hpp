#pragma once
// WM_QOS.CORRELATION_ID: a fresh random UUID (version 4) for every request, as the API asks.
// Thread-safe (one generator per thread).

#include <string>

namespace etl::walmart {

// "3f1c2a9e-7b4d-4e2f-9a1b-0c8d6e5f4a3b"
std::string new_correlation_id();

}  // namespace etl::walmart
