#include "order/order_warning_log.hpp"

#include <spdlog/spdlog.h>

namespace etl::order {

void log_conversion_warnings(const ParsedOrder& order, std::string_view source) {
  for (const ConversionWarning& w : order.warnings) {
    spdlog::warn("conversion warning: order {} field {}: {} (source {})",
                 order.purchase_order_id_text, w.field, w.detail, source);
  }
}

}  // namespace etl::order
