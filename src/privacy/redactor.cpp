#include "privacy/redactor.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/padded_buffer.hpp"

namespace etl::privacy {

namespace od = simdjson::ondemand;

namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A scalar's token as simdjson gives it runs up to the next structural character, whitespace
// included; the value itself ends before that whitespace.
std::string_view trimmed(std::string_view token) {
  while (!token.empty() && is_ws(token.back())) token.remove_suffix(1);
  return token;
}

// One personal value found in an order: where its JSON text lies and what `hash` hashes.
struct Found {
  PersonalField field;
  size_t begin = 0;
  size_t end = 0;
  std::string hashed;    // the decoded string, or the JSON text of any other value
  bool is_hash = false;  // a string that already is what `hash` writes: left as it is
};

struct Splice {
  size_t begin = 0;
  size_t end = 0;
  std::string text;
};

// Simdjson errors leave the walk early; the record is then reported as not JSON.
struct Walk {
  const char* base = nullptr;
  simdjson::error_code error = simdjson::SUCCESS;
  std::vector<Found> found;
  std::string customer_order_id;
  bool has_customer_order_id = false;

  bool fail(simdjson::error_code e) {
    if (error == simdjson::SUCCESS) error = e;
    return false;
  }

  // Records the value of a personal field (nothing for null).
  bool record(PersonalField f, od::value v) {
    od::json_type t{};
    if (auto e = v.type().get(t)) return fail(e);
    std::string_view text;
    std::string hashed;
    switch (t) {
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null)) return fail(e);
        return true;
      }
      case od::json_type::string: {
        text = trimmed(v.raw_json_token());
        std::string_view s;
        if (auto e = v.get_string().get(s)) return fail(e);
        hashed.assign(s);
        break;
      }
      case od::json_type::number:
      case od::json_type::boolean:
        text = trimmed(v.raw_json_token());
        // Consumes the scalar and validates it.
        if (t == od::json_type::boolean) {
          bool b = false;
          if (auto e = v.get_bool().get(b)) return fail(e);
        } else {
          double d = 0;
          if (auto e = v.get_double().get(d); e && e != simdjson::NUMBER_OUT_OF_RANGE) {
            return fail(e);
          }
        }
        hashed.assign(text);
        break;
      case od::json_type::object: {
        od::object o;
        if (auto e = v.get_object().get(o)) return fail(e);
        if (auto e = o.raw_json().get(text)) return fail(e);
        hashed.assign(text);
        break;
      }
      case od::json_type::array: {
        od::array a;
        if (auto e = v.get_array().get(a)) return fail(e);
        if (auto e = a.raw_json().get(text)) return fail(e);
        hashed.assign(text);
        break;
      }
    }
    const auto begin = static_cast<size_t>(text.data() - base);
    const bool is_hash = t == od::json_type::string && looks_hashed(hashed);
    found.push_back({f, begin, begin + text.size(), std::move(hashed), is_hash});
    return true;
  }

  bool customer_order(od::value v) {
    od::json_type t{};
    if (auto e = v.type().get(t)) return fail(e);
    std::string_view s;
    if (t == od::json_type::string) {
      if (auto e = v.get_string().get(s)) return fail(e);
    } else if (t == od::json_type::number) {
      s = trimmed(v.raw_json_token());
    } else {
      return true;
    }
    customer_order_id.assign(s);
    has_customer_order_id = true;
    return true;
  }

  // Calls visit(key, value) for each member of an object, in order; a value that is not an
  // object holds no personal field and is passed over. False when the walk fails.
  template <typename Visit>
  bool members(od::value v, const Visit& visit) {
    od::json_type t{};
    if (auto e = v.type().get(t)) return fail(e);
    if (t != od::json_type::object) return true;
    od::object o;
    if (auto e = v.get_object().get(o)) return fail(e);
    return members(o, visit);
  }

  template <typename Visit>
  bool members(od::object o, const Visit& visit) {
    for (auto field : o) {
      std::string_view key;
      od::value fv;
      if (auto e = field.unescaped_key().get(key)) return fail(e);
      if (auto e = field.value().get(fv)) return fail(e);
      if (!visit(key, fv)) return false;
    }
    return true;
  }

  bool postal_address(od::value v) {
    return members(v, [this](std::string_view key, od::value fv) {
      if (key == "name") return record(PersonalField::recipient_name, fv);
      if (key == "address1") return record(PersonalField::address1, fv);
      if (key == "address2") return record(PersonalField::address2, fv);
      if (key == "city") return record(PersonalField::city, fv);
      if (key == "postalCode") return record(PersonalField::postal_code, fv);
      return true;
    });
  }

  bool shipping_info(od::value v) {
    return members(v, [this](std::string_view key, od::value fv) {
      if (key == "phone") return record(PersonalField::phone, fv);
      if (key == "postalAddress") return postal_address(fv);
      return true;
    });
  }

  bool order(od::object o) {
    return members(o, [this](std::string_view key, od::value fv) {
      if (key == "customerEmailId") return record(PersonalField::customer_email_id, fv);
      if (key == "shippingInfo") return shipping_info(fv);
      if (key == "pickupPersons") return record(PersonalField::pickup_persons, fv);
      if (key == "customerOrderId") return customer_order(fv);
      return true;
    });
  }
};

}  // namespace

bool looks_hashed(std::string_view text) noexcept {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

struct Redactor::Impl {
  FieldPolicies policies;
  FieldPolicies erased = FieldPolicies::erase_all();
  ErasedCheck erased_check;
  od::parser parser;
  PaddedBuffer input{simdjson::SIMDJSON_PADDING};  // the record being redacted
  std::vector<Splice> splices;

  // The rewrites of one order's values, by the policies that apply to it.
  void decide(Walk& w) {
    const FieldPolicies& p =
        (erased_check && w.has_customer_order_id && erased_check(w.customer_order_id)) ? erased
                                                                                       : policies;
    for (Found& f : w.found) {
      switch (p.of(f.field)) {
        case config::FieldPolicy::keep:
          break;
        case config::FieldPolicy::drop:
          splices.push_back({f.begin, f.end, "null"});
          break;
        case config::FieldPolicy::hash:
          if (f.is_hash) break;  // hashed before (fetch, an earlier write, privacy apply)
          splices.push_back({f.begin, f.end, '"' + hmac_sha256_hex(p.hash_key, f.hashed) + '"'});
          break;
      }
    }
    w.found.clear();
    w.has_customer_order_id = false;
    w.customer_order_id.clear();
  }
};

Redactor::Redactor(FieldPolicies policies) : impl_(std::make_unique<Impl>()) {
  impl_->policies = std::move(policies);
}
Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

void Redactor::set_erased_check(ErasedCheck check) { impl_->erased_check = std::move(check); }

bool Redactor::active() const noexcept {
  return impl_->policies.changes_anything() || static_cast<bool>(impl_->erased_check);
}

Redaction Redactor::redact(std::string_view bytes, std::string& out) {
  Impl& m = *impl_;
  Redaction r;
  m.input.assign(bytes);
  m.splices.clear();
  Walk w;
  w.base = m.input.data();
  const auto not_json = [&](simdjson::error_code e) {
    r.outcome = RedactOutcome::not_json;
    r.problem =
        std::string("not redacted, the record is not valid JSON: ") + simdjson::error_message(e);
    return r;
  };
  od::document doc;
  if (auto e = m.parser.iterate(m.input.data(), m.input.size(), m.input.capacity()).get(doc)) {
    return not_json(e);
  }
  od::json_type t{};
  if (auto e = doc.type().get(t)) return not_json(e);
  if (t == od::json_type::object) {
    od::object o;
    if (auto e = doc.get_object().get(o)) return not_json(e);
    if (!w.order(o)) return not_json(w.error);
    m.decide(w);
  } else if (t == od::json_type::array) {
    od::array a;
    if (auto e = doc.get_array().get(a)) return not_json(e);
    for (auto element : a) {
      od::value v;
      if (auto e = element.get(v)) return not_json(e);
      od::json_type et{};
      if (auto e = v.type().get(et)) return not_json(e);
      if (et != od::json_type::object) continue;  // not an order: the mapper says so
      od::object o;
      if (auto e = v.get_object().get(o)) return not_json(e);
      if (!w.order(o)) return not_json(w.error);
      m.decide(w);
    }
  }
  // After the value, the document has a location only if something follows it.
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
    return not_json(simdjson::TRAILING_CONTENT);
  }
  if (m.splices.empty()) return r;
  std::sort(m.splices.begin(), m.splices.end(),
            [](const Splice& a, const Splice& b) { return a.begin < b.begin; });
  out.clear();
  out.reserve(bytes.size() + m.splices.size() * 66);
  size_t at = 0;
  for (const Splice& s : m.splices) {
    out.append(bytes.substr(at, s.begin - at));
    out.append(s.text);
    at = s.end;
  }
  out.append(bytes.substr(at));
  r.outcome = RedactOutcome::redacted;
  r.values = m.splices.size();
  return r;
}

}  // namespace etl::privacy
