#pragma once
// The list of configuration keys as declared in config_keys.cpp, for listings and documentation
// checks (the README's configuration table is tested against it).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::config {

struct KeyInfo {
  // The YAML path: "stream.batch_size". A key of each entry of a map of named entries has the
  // entry's name as NAME: "walmart_token.accounts.NAME.client_secret".
  std::string path;
  std::string type{};     // "integer", "string", "boolean", "list of strings", "one of", "mapping"
  std::string allowed{};  // "1..65535", "earliest, latest"; empty: any value of the type
  // The built-in default as the README writes it: `2000`, `[a, b]`, `{}`, "empty" for an empty
  // string, "unset" for an optional key (the keys of a map's entries: what a new entry starts
  // with).
  std::string default_text{};
  bool secret = false;  // never printed, never echoed in an error
  std::string description{};
  std::vector<std::string> choices{};  // a key of choices: the values it accepts, in order
};

// Every key in declaration order (the order check-config prints them in).
std::vector<KeyInfo> declared_keys();

// The values the key at this YAML path ("fetch.ship_node_types") accepts, as declared; empty when
// it is not a key of choices.
std::vector<std::string> declared_choices(std::string_view path);
// "a, b or c", for messages naming the choices.
std::string or_list(const std::vector<std::string>& choices);

// Every key as a text table for check-config --keys: path, type and accepted values, default,
// meaning; secrets are marked.
std::string key_listing(const std::vector<KeyInfo>& keys);

// Whether the key at this YAML path (segments, any case) is declared secret; nullopt when the
// path names no declared key (e.g. a free-form kafka.properties entry).
std::optional<bool> declared_secret(const std::vector<std::string>& path);

}  // namespace etl::config
