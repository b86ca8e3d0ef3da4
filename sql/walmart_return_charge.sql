-- ods.walmart_return_charge: every charge of every return line, per unit, with its taxes summed
-- (taxPerUnit, excessTax) and their names joined by ','. A newer version of the return replaces
-- its charges as a set. account: the seller.
CREATE TABLE IF NOT EXISTS walmart_return_charge (
  returnOrderId VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  returnOrderLineNumber INT NOT NULL,
  chargeSeq INT NOT NULL,
  chargeCategory VARCHAR(50) NULL,
  chargeName VARCHAR(100) NULL,
  chargePerUnit DECIMAL(10,2) NULL,
  currency VARCHAR(10) NULL,
  isDiscount TINYINT NULL,
  isBillable TINYINT NULL,
  taxPerUnit DECIMAL(10,2) NULL,
  excessTax DECIMAL(10,2) NULL,
  taxNames VARCHAR(200) NULL,
  excessCharge DECIMAL(10,2) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (returnOrderId, returnOrderLineNumber, chargeSeq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
