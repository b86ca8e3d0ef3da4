#pragma once
// The e2e tests' own look at the dev broker, straight through librdkafka (not the project's
// kafka module): each partition's end offset (high watermark), to compare with what fetch
// produced and with the offsets the stream stored in MySQL.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace etl::e2e {

// partition -> high watermark for partitions 0..partitions-1. Throws std::runtime_error.
std::map<int32_t, int64_t> end_offsets(
    const std::string& bootstrap, const std::string& topic, int partitions,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace etl::e2e
