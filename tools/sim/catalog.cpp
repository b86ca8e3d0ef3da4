#include "tools/sim/catalog.hpp"

#include <array>

namespace etl::walmart::sim {
namespace {

using namespace std::string_view_literals;

constexpr std::array kProducts = {
    Product{"WB-32-BLK", "Stainless Steel Insulated Water Bottle, 32 oz, Black", 2499, "1.10",
            "New"},
    Product{"LID-STRAW-2PK", "Silicone Straw Lid Replacement, 2 Pack", 799, "0.20", "New"},
    Product{"CB-BAMBOO-3", "Bamboo Cutting Board Set, 3 Piece", 2950, "3.40", "New"},
    Product{"SPOON-BEECH-5", "Beechwood Cooking Spoon Set, 5 Piece", 1200, "0.90", "New"},
    Product{"SKILLET-12CI", "12\" Cast Iron Skillet, Pre-Seasoned", 3488, "7.75", "New"},
    Product{"KIDS-BKPK-RED", "Kid's Backpack with \"Glow-in-the-Dark\" Stars", 1999, "1.20", "New"},
    Product{"TORCH-CREME", "Crème Brûlée Culinary Torch – Refillable", 2150, "0.60", "New"},
    Product{"LEGO-CLASSIC-11", "LEGO® Classic Creative Bricks 11717 (1,500 pcs)", 5999, "4.30",
            "New"},
    Product{"TOWEL-6PK-GRY", "Ultra‑Soft Bath Towels — 6 Pack, Gray", 3000, "5.00", "New"},
    Product{"BALLOON-50", "🎉 Party Balloons, Assorted Colors (50 ct)", 899, "0.50", "New"},
    Product{"TEA-MATCHA-100", "抹茶 Uji Matcha Green Tea Powder 100g", 1850, "0.30", "New"},
    Product{"RAMEN-BOWL-4", "陶器ラーメン丼 Ceramic Ramen Bowls, Set of 4", 4200, "6.20", "New"},
    Product{"KIMCHI-POT", "Onggi 김치 Fermentation Crock, 2 L", 3675, "4.10", "New"},
    Product{"PUZZLE-PATH", "Path\\Finder Logic Puzzle Game", 1499, "0.80", "New"},
    Product{"HDMI-6FT", "HDMI 2.1 Cable, 6 ft, 8K@60Hz", 1000, "0.25", "New"},
    Product{"USB-C-65W", "65W USB-C GaN Wall Charger", 2999, "0.35", "New"},
    Product{"AIRFRY-5QT", "5.8 Qt Air Fryer, Digital Touchscreen", 8900, "11.00", "Refurbished"},
    Product{"VACUUM-STICK", "Cordless Stick Vacuum, 25 min Runtime", 12999, "6.40", "New"},
    Product{"DOGBED-L-TAN", "Orthopedic Dog Bed, Large, Tan", 4599, "8.20", "New"},
    Product{"CATTREE-52", "Cat Tree Tower 52\" with Sisal Posts", 6450, "24.00", "New"},
    Product{"YOGA-MAT-6MM", "Non-Slip Yoga Mat, 6 mm — \"Ocean Blue\"", 2200, "2.40", "New"},
    Product{"DUMBBELL-20", "Neoprene Dumbbell, 20 lb (single)", 2500, "20.00", "New"},
    Product{"CANDLE-SOY-3", "Soy Wax Candle Trio — Lavender, Vanilla & Sea Salt", 2799, "2.10",
            "New"},
    Product{"COFFEE-1KG", "Café Bustelo Espresso Ground Coffee, 2.2 lb", 1388, "2.20", "New"},
    Product{"SHEETS-Q-WHT", "Queen Sheet Set, 400 Thread Count, White", 5400, "3.30", "New"},
    Product{"PLANTER-3PK", "Self-Watering Planters, 3 Pack 🌿", 1925, "1.70", "New"},
    Product{"HEADPH-BT", "Bluetooth Over-Ear Headphones, Noise Cancelling", 7999, "0.70",
            "Refurbished"},
    Product{"GAMEPAD-X", "Wireless Game Controller for Xbox / PC", 5499, "0.60", "New"},
    Product{"CRAYON-64", "Crayola® Crayons, 64 Count", 499, "0.40", "New"},
    Product{"NOTEBK-5PK", "College Ruled Notebooks, 5 Pack", 1100, "1.50", "New"},
    Product{"SUNSCR-SPF50", "Sunscreen Lotion SPF 50, 8 fl oz", 998, "0.55", "New"},
    Product{"DIAPER-S4-120", "Diapers Size 4, 120 Count", 3997, "9.00", "New"},
    Product{"OLIVEOIL-1L", "Extra Virgin Olive Oil — Aceite de Oliva, 1 L", 1299, "2.20", "New"},
    Product{"MOCHI-ICE-12", "Mochi Ice Cream Variety Pack (12) — 冷凍", 1599, "1.30", "New"},
    Product{"GRILL-COVER", "Heavy-Duty Grill Cover, 58\"", 2745, "1.90", "New"},
    Product{"PILLOW-2PK", "Down-Alternative Pillows, Standard, 2 Pack", 2000, "3.00", "New"},
};

constexpr std::array kRecipientNames = {
    "Jordan Avery"sv,
    "Priya Raman"sv,
    "José Núñez"sv,
    "Zoë O'Connor"sv,
    "Chloé Dubois 🌸"sv,
    "李小龙"sv,
    "山田 太郎"sv,
    "김민준"sv,
    "Björn Ødegaard"sv,
    "Nguyễn Thị Minh Khai"sv,
    "Ana \"Nani\" Souza"sv,
    "D'Angelo Washington"sv,
    "Seán Ó Súilleabháin"sv,
    "Łukasz Wróbel"sv,
    "François-Xavier Lefèvre"sv,
    "Mary-Kate O’Brien"sv,
    "Aïcha Benali"sv,
    "Renée Zellweger-Smith"sv,
    "Müller, Jürgen"sv,
    "María José García-López"sv,
    "Dmitri Ivanov (Дмитрий)"sv,
    "Yasmin Al-Farsi"sv,
    "Kwame Mensah"sv,
    "Emily Chen 陈"sv,
    "Robert \"Bobby\" Tables"sv,
    "Sofía Hernández"sv,
    "Olivia Smith"sv,
    "Liam Johnson"sv,
    "Noah Williams"sv,
    "Emma Brown"sv,
    "Ava Jones 💜"sv,
    "Mateo Rodríguez"sv,
};

constexpr std::array kStreets = {
    "1200 SE Walton Blvd"sv,    "455 N Cityfront Plaza Dr"sv, "702 SW 8th St"sv,
    "1600 Amphitheatre Pkwy"sv, "350 Fifth Avenue"sv,         "12 O'Farrell St"sv,
    "88 Rue de l'Église Rd"sv,  "4059 Mt Lee Dr"sv,           "221B Baker St"sv,
    "1 Infinite Loop"sv,        "500 S Buena Vista St"sv,     "77 Massachusetts Ave"sv,
    "2300 Peña Blvd"sv,         "10 Downing Ct \"Rear\""sv,   "9 Sakura Ln 桜通り"sv,
    "31 Spooner St"sv,
};

constexpr std::array kSecondLines = {
    "Apt 4B"sv,     "Suite 200"sv,       "Unit #12"sv, "c/o Renée's Café"sv, "Floor 3, Room “B”"sv,
    "PO Box 481"sv, "Bldg 7 – Dock 2"sv,
};

constexpr std::array kPlaces = {
    Place{"Bentonville", "AR", "72712"},
    Place{"Chicago", "IL", "60611"},
    Place{"Austin", "TX", "78701"},
    Place{"Seattle", "WA", "98101"},
    Place{"New York", "NY", "10118"},
    Place{"San Francisco", "CA", "94102"},
    Place{"Miami", "FL", "33130"},
    Place{"Denver", "CO", "80202"},
    Place{"Boston", "MA", "02139"},
    Place{"Honolulu", "HI", "96813"},
    Place{"Anchorage", "AK", "99501"},
    Place{"San Juan", "PR", "00901"},
    Place{"Española", "NM", "87532"},
    Place{"Coeur d'Alene", "ID", "83814"},
    Place{"La Cañada Flintridge", "CA", "91011-2204"},
};

constexpr std::array kCarriers = {"UPS"sv, "USPS"sv, "FedEx"sv, "OnTrac"sv, "DHL Ecommerce - US"sv,
                                  "LS"sv};
constexpr std::array kOtherCarriers = {"USPS Marketplace"sv, "Pitney Bowes"sv,
                                       "Veho Technologies"sv, "Amazon Logistics"sv};
constexpr std::array kCancellationReasons = {
    "CUSTOMER_REQUESTED_SELLER_TO_CANCEL"sv, "SELLER_CANCEL_PRICING_ERROR"sv,
    "SELLER_CANCEL_OUT_OF_STOCK"sv, "SELLER_CANCEL_FRAUD_STOP_SHIPMENT"sv,
    "SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE"sv};

constexpr std::array kSellerNodes = {NamedNode{"Bentonville DC", "731001"},
                                     NamedNode{"Reno Warehouse #2", "731002"},
                                     NamedNode{"Brooklyn Stockroom", "731003"}};
constexpr std::array kTplNodes = {NamedNode{"ShipBob Chicago", "10000000218"},
                                  NamedNode{"Deliverr – Atlanta", "10000000391"}};

}  // namespace

std::span<const Product> products() noexcept { return kProducts; }

std::optional<uint16_t> find_product_by_sku(std::string_view sku) noexcept {
  for (size_t i = 0; i < kProducts.size(); ++i) {
    if (kProducts[i].sku == sku) return static_cast<uint16_t>(i);
  }
  return std::nullopt;
}

std::span<const std::string_view> recipient_names() noexcept { return kRecipientNames; }
std::span<const std::string_view> street_lines() noexcept { return kStreets; }
std::span<const std::string_view> second_address_lines() noexcept { return kSecondLines; }
std::span<const Place> places() noexcept { return kPlaces; }
std::span<const std::string_view> carriers() noexcept { return kCarriers; }
std::span<const std::string_view> other_carriers() noexcept { return kOtherCarriers; }
std::span<const std::string_view> cancellation_reasons() noexcept { return kCancellationReasons; }
std::span<const NamedNode> seller_ship_nodes() noexcept { return kSellerNodes; }
std::span<const NamedNode> tpl_ship_nodes() noexcept { return kTplNodes; }

}  // namespace etl::walmart::sim
