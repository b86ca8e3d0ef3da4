-- ods.walmart_return: one row per return order (GET /v3/returns), the newest version of it.
-- Dates are UTC; amounts exact to the cent. status is derived from the lines (their common
-- status, MIXED when they differ); last_event_at is the newest instant anywhere in the return,
-- the version the writer compares (docs/data-model.md, "Returns"). account: the seller.
CREATE TABLE IF NOT EXISTS walmart_return (
  returnOrderId VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  customerOrderId BIGINT NULL,
  customerEmailId VARCHAR(100) NULL,
  customer_first_name VARCHAR(100) NULL,
  customer_last_name VARCHAR(100) NULL,
  returnOrderDate DATETIME(3) NULL,
  returnByDate DATETIME(3) NULL,
  refundMode VARCHAR(50) NULL,
  totalRefundAmount DECIMAL(10,2) NULL,
  currency VARCHAR(10) NULL,
  returnType VARCHAR(50) NULL,
  replacementCustomerOrderId VARCHAR(50) NULL,
  returnChannel VARCHAR(50) NULL,
  status VARCHAR(50) NULL,
  line_count INT NOT NULL DEFAULT 0,
  last_event_at DATETIME(3) NULL,
  request_time DATETIME NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (returnOrderId),
  KEY ix_walmart_return_account_date (account, returnOrderDate),
  KEY ix_walmart_return_customer_order (customerOrderId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
