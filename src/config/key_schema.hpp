#pragma once
// The building blocks of the key declarations in config_keys.cpp. A key is declared once, as a
// Field bound to a member of the typed config: its YAML name, its default, its range or accepted
// values, whether it is secret and what it means; from that it is read (YAML path in errors),
// printed (masked) and its default shown. The members in config.hpp carry no value of their own:
// each struct's constructor (key_defaults.cpp) applies the defaults declared here, so a struct
// built anywhere (a test, a benchmark, a copy's source) starts from the declared defaults.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "config/config_keys.hpp"
#include "config/yaml_section.hpp"

namespace etl::config::schema {

// One key of a YAML mapping whose values live in the struct S (a section of Config, one account).
template <class S>
struct Field {
  std::string name;  // the YAML key: "batch_interval_ms"
  std::string type{};
  std::string allowed{};
  bool secret = false;
  std::string description{};
  // Reads the key from its mapping into s; an absent key leaves the value (the default) as it is.
  std::function<void(YamlSection&, S&)> read{};
  // Writes the value after its YAML key, a secret as "***" (set) or "" (empty).
  std::function<void(YAML::Emitter&, const S&)> print{};
  // The value as the README shows a default (KeyInfo::default_text); a secret is never shown.
  std::function<std::string(const S&)> show{};
  // A map of named entries (walmart_token.accounts): the keys of each entry, for listings.
  std::vector<KeyInfo> entry_keys{};
  // Set for an optional key: false while it is unset, and then it is not printed.
  std::function<bool(const S&)> present{};
  // The values a key of choices accepts (each entry, for a list), in their order.
  std::vector<std::string> choices{};
  // Puts the declared default into the member (every key states one; a test checks it).
  std::function<void(S&)> set_default{};
};

// The keys of one top-level section of Config and the checks made once all of them are read
// (non-empty values, values that depend on another key), in the order they run.
struct Section {
  std::string name;
  std::vector<Field<Config>> fields;
  std::vector<std::function<void(Config&)>> checks;
};

// Every section, in the order they are read and printed (config_keys.cpp).
const std::vector<Section>& sections();
// The keys of each entry of walmart_token.accounts (account_keys().fields).
const std::vector<Field<WalmartAccount>>& account_fields();

template <class E>
using EnumNames = std::span<const std::pair<std::string_view, E>>;

template <class E>
std::string_view name_of(EnumNames<E> names, E v) {
  for (const auto& [n, x] : names) {
    if (x == v) return n;
  }
  return "?";
}

inline std::string quoted(const std::string& v) { return "`" + v + "`"; }
inline std::string shown_string(const std::string& v) { return v.empty() ? "empty" : quoted(v); }
inline std::string masked(const std::string& v) { return v.empty() ? std::string() : "***"; }
std::string shown_list(const std::vector<std::string>& v);  // `[a, b]`

using Choices = std::span<const std::string_view>;

// The bounds of an integer key, both included.
struct Range {
  long long min;
  long long max;
};

// The declared defaults of every key, put into c (what the structs' constructors do section by
// section; the tests use it on a Config whose values were changed).
void apply_declared_defaults(Config& c);

// Declares the fields of a struct S, one call per key: name, member, default, then the range or
// choices when the key has them, then its meaning:
//   Fields<MysqlConfig>().integer("port", &MysqlConfig::port, 3306, {1, 65535}, "server TCP port")
template <class S>
class Fields {
 public:
  Fields& string(const std::string& name, std::string S::*m, std::string by_default,
                 const std::string& description) {
    return add({.name = name,
                .type = "string",
                .description = description,
                .read = [m, name](YamlSection& y, S& s) { y.string(name, s.*m); },
                .print = [m](YAML::Emitter& out, const S& s) { out << s.*m; },
                .show = [m](const S& s) { return shown_string(s.*m); },
                .set_default = assign(m, std::move(by_default))});
  }

  // A string never printed (masked as ***) and, from the environment or --set, taken literally.
  // Its default is empty: a secret has no built-in value.
  Fields& secret(const std::string& name, std::string S::*m, const std::string& description) {
    return add({.name = name,
                .type = "string",
                .secret = true,
                .description = description,
                .read = [m, name](YamlSection& y, S& s) { y.string(name, s.*m); },
                .print = [m](YAML::Emitter& out, const S& s) { out << masked(s.*m); },
                .show = [m](const S& s) { return (s.*m).empty() ? "empty" : quoted("***"); },
                .set_default = assign(m, std::string())});
  }

  Fields& integer(const std::string& name, int S::*m, int by_default, Range range,
                  const std::string& description) {
    return add({.name = name,
                .type = "integer",
                .allowed = range_text(range),
                .description = description,
                .read = [m, name, range](YamlSection& y,
                                         S& s) { y.integer(name, s.*m, range.min, range.max); },
                .print = [m](YAML::Emitter& out, const S& s) { out << s.*m; },
                .show = [m](const S& s) { return quoted(std::to_string(s.*m)); },
                .set_default = assign(m, by_default)});
  }

  // An integer that may stay unset (then something else decides; the description says what).
  Fields& optional_integer(const std::string& name, std::optional<int> S::*m,
                           std::optional<int> by_default, Range range,
                           const std::string& description) {
    return add({.name = name,
                .type = "integer",
                .allowed = range_text(range),
                .description = description,
                .read =
                    [m, name, range](YamlSection& y, S& s) {
                      if (!y.child(name)) return;
                      int v = 0;
                      y.integer(name, v, range.min, range.max);
                      s.*m = v;
                    },
                .print = [m](YAML::Emitter& out, const S& s) { out << (s.*m).value_or(0); },
                .show =
                    [m](const S& s) {
                      return (s.*m) ? quoted(std::to_string(*(s.*m))) : std::string("unset");
                    },
                .present = [m](const S& s) { return (s.*m).has_value(); },
                .set_default = assign(m, by_default)});
  }

  // A std::chrono duration written as a whole number of its unit (the key's name says which);
  // the default in any unit that converts exactly (30s for a key in milliseconds).
  template <class Rep, class Period>
  Fields& duration(const std::string& name, std::chrono::duration<Rep, Period> S::*m,
                   std::type_identity_t<std::chrono::duration<Rep, Period>> by_default, Range range,
                   const std::string& description) {
    return add({.name = name,
                .type = "integer",
                .allowed = range_text(range),
                .description = description,
                .read = [m, name, range](YamlSection& y,
                                         S& s) { y.duration(name, s.*m, range.min, range.max); },
                .print = [m](YAML::Emitter& out, const S& s) { out << (s.*m).count(); },
                .show = [m](const S& s) { return quoted(std::to_string((s.*m).count())); },
                .set_default = assign(m, by_default)});
  }

  Fields& boolean(const std::string& name, bool S::*m, bool by_default,
                  const std::string& description) {
    return add({.name = name,
                .type = "boolean",
                .allowed = "true, false",
                .description = description,
                .read = [m, name](YamlSection& y, S& s) { y.boolean(name, s.*m); },
                .print = [m](YAML::Emitter& out, const S& s) { out << s.*m; },
                .show = [m](const S& s) { return quoted(s.*m ? "true" : "false"); },
                .set_default = assign(m, by_default)});
  }

  Fields& list(const std::string& name, std::vector<std::string> S::*m,
               std::vector<std::string> by_default, const std::string& description) {
    return add({.name = name,
                .type = "list of strings",
                .description = description,
                .read = [m, name](YamlSection& y, S& s) { y.string_list(name, s.*m); },
                .print = [m](YAML::Emitter& out, const S& s) { out << YAML::Flow << s.*m; },
                .show = [m](const S& s) { return shown_list(s.*m); },
                .set_default = assign(m, std::move(by_default))});
  }

  // A list of at least one entry, each one of `choices`.
  Fields& list_of(const std::string& name, std::vector<std::string> S::*m,
                  std::vector<std::string> by_default, Choices choices,
                  const std::string& description) {
    std::vector<std::string> names(choices.begin(), choices.end());
    std::string allowed;
    for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
    add({.name = name,
         .type = "list of strings",
         .allowed = allowed,
         .description = description,
         .read = [m, name](YamlSection& y, S& s) { y.string_list(name, s.*m); },
         .print = [m](YAML::Emitter& out, const S& s) { out << YAML::Flow << s.*m; },
         .show = [m](const S& s) { return shown_list(s.*m); },
         .choices = names,
         .set_default = assign(m, std::move(by_default))});
    return check([m, path = section_name_ + "." + name, names, allowed](S& s) {
      const auto& v = s.*m;
      if (v.empty()) throw ConfigError(path + ": expected at least one of " + allowed);
      for (size_t i = 0; i < v.size(); ++i) {
        if (std::find(names.begin(), names.end(), v[i]) == names.end()) {
          throw ConfigError(path + "[" + std::to_string(i) + "]: expected " + or_list(names) +
                            ", got '" + v[i] + "'");
        }
      }
    });
  }

  template <class E>
  Fields& one_of(const std::string& name, E S::*m, std::type_identity_t<E> by_default,
                 EnumNames<E> names, const std::string& description) {
    std::vector<std::string> choices;
    for (const auto& n : names) choices.emplace_back(n.first);
    std::string allowed;
    for (const auto& n : choices) allowed += (allowed.empty() ? "" : ", ") + n;
    return add(
        {.name = name,
         .type = "one of",
         .allowed = std::move(allowed),
         .description = description,
         .read = [m, name, names](YamlSection& y, S& s) { y.enumeration(name, s.*m, names); },
         .print = [m, names](YAML::Emitter& out,
                             const S& s) { out << std::string(name_of(names, s.*m)); },
         .show = [m, names](const S& s) { return quoted(std::string(name_of(names, s.*m))); },
         .choices = std::move(choices),
         .set_default = assign(m, by_default)});
  }

  // The setter of a declared default, for a key declared through add().
  template <class T>
  static std::function<void(S&)> assign(T S::*m, T value) {
    return [m, value = std::move(value)](S& s) { s.*m = value; };
  }

  // A key with its own reading, printing and default (a map of free-form or named entries).
  Fields& add(Field<S> f) {
    fields.push_back(std::move(f));
    return *this;
  }

  // What the key declared last accepts, for listings, when its check is not a plain range.
  Fields& allowed(const std::string& text) {
    fields.back().allowed = text;
    return *this;
  }

  // A check of the whole struct once every key is read (run in declaration order).
  Fields& check(std::function<void(S&)> c) {
    checks.push_back(std::move(c));
    return *this;
  }

  // The fields and checks as a section of Config. `name` must be the one given to the constructor.
  [[nodiscard]] Section section(const std::string& name, S Config::*section) const {
    Section out{.name = name, .fields = {}, .checks = {}};
    for (const auto& f : fields) {
      out.fields.push_back(
          {.name = f.name,
           .type = f.type,
           .allowed = f.allowed,
           .secret = f.secret,
           .description = f.description,
           .read = [section, read = f.read](YamlSection& y, Config& c) { read(y, c.*section); },
           .print = [section, print = f.print](YAML::Emitter& out,
                                               const Config& c) { print(out, c.*section); },
           .show = [section, show = f.show](const Config& c) { return show(c.*section); },
           .entry_keys = f.entry_keys,
           .present = f.present ? std::function<bool(const Config&)>(
                                      [section, present = f.present](const Config& c) {
                                        return present(c.*section);
                                      })
                                : std::function<bool(const Config&)>(),
           .choices = f.choices,
           .set_default = f.set_default
                              ? std::function<void(Config&)>(
                                    [section, set = f.set_default](Config& c) { set(c.*section); })
                              : std::function<void(Config&)>()});
    }
    for (const auto& c : checks) {
      out.checks.emplace_back([section, check = c](Config& cfg) { check(cfg.*section); });
    }
    return out;
  }

  std::vector<Field<S>> fields;
  std::vector<std::function<void(S&)>> checks;

  // `section_name`: the YAML section, for the messages of the checks the declarations add.
  explicit Fields(std::string section_name = {}) : section_name_(std::move(section_name)) {}

 private:
  static std::string range_text(Range r) {
    return std::to_string(r.min) + ".." + std::to_string(r.max);
  }

  std::string section_name_;
};

// The declarations of the keys each struct holds (config_keys.cpp, privacy_keys.cpp), built once.
const Fields<KafkaConfig>& kafka_keys();
const Fields<MysqlConfig>& mysql_keys();
const Fields<WalmartConfig>& walmart_keys();
const Fields<WalmartAccount>& account_keys();  // each entry of walmart_token.accounts
const Fields<FetchConfig>& fetch_keys();
const Fields<StreamConfig>& stream_keys();
const Fields<LoggingConfig>& logging_keys();
const Fields<PrivacyConfig>& privacy_keys();

// Puts the default each key of `keys` declares into s.
template <class S>
void apply_defaults(S& s, const Fields<S>& keys) {
  for (const auto& f : keys.fields) {
    if (f.set_default) f.set_default(s);
  }
}

}  // namespace etl::config::schema
