-- ods.walmart_order_charge: every charge of every line (walmart_order keeps only the first).
-- A newer version of an order replaces its charges as a set. account: the seller, as in walmart_order.
CREATE TABLE IF NOT EXISTS walmart_order_charge (
  purchaseOrderId BIGINT NOT NULL,
  lineNumber INT NOT NULL,
  chargeSeq INT NOT NULL,
  chargeType VARCHAR(50) NULL,
  chargeName VARCHAR(100) NULL,
  chargeAmount DECIMAL(10,2) NULL,
  currency VARCHAR(10) NULL,
  taxName VARCHAR(50) NULL,
  taxAmount DECIMAL(10,2) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (purchaseOrderId, lineNumber, chargeSeq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
