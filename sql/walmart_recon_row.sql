-- ods.walmart_recon_row: one row per detail row of a reconciliation report (one amount type of
-- one transaction: Product Price, Product tax, Commission on Product, a fee, ...). Transaction
-- Key repeats across a transaction's amount types, so a row is identified by its position in the
-- report: (account, report_date, row_no). Re-loading a report date deletes and inserts all of its
-- rows in one transaction under the walmart_recon_file row's lock.
-- Join columns: customerOrderId + salesOrderLineNumber (the report's "Customer Order #" / "line #",
-- the returns API's salesOrderLineNumber), purchaseOrderId + purchaseOrderLineNumber (orders).
-- other_columns: every column the writer does not type, as a JSON object {"header": "value"} of
-- the non-empty values (the report's column set grows).
CREATE TABLE IF NOT EXISTS walmart_recon_row (
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  report_date DATE NOT NULL,
  row_no INT NOT NULL,
  transaction_key VARCHAR(100) NULL,
  posted_at DATETIME NULL,
  transaction_type VARCHAR(100) NULL,
  transaction_description VARCHAR(500) NULL,
  customerOrderId BIGINT NULL,
  salesOrderLineNumber INT NULL,
  purchaseOrderId BIGINT NULL,
  purchaseOrderLineNumber INT NULL,
  amount DECIMAL(14,2) NOT NULL,
  amount_type VARCHAR(200) NULL,
  currency VARCHAR(10) NULL,
  ship_qty INT NULL,
  commission_rate DECIMAL(7,3) NULL,
  sku VARCHAR(255) NULL,
  period_start DATE NULL,
  period_end DATE NULL,
  other_columns LONGTEXT NULL,
  PRIMARY KEY (account, report_date, row_no),
  KEY ix_walmart_recon_row_customer_order (customerOrderId, salesOrderLineNumber),
  KEY ix_walmart_recon_row_purchase_order (purchaseOrderId, purchaseOrderLineNumber)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
