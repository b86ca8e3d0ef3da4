-- ods.etl_privacy_erasure: the buyers whose personal data was erased on request (walmart-etl
-- forget), by customerOrderId. Writers (stream, load) read it and write every later delivery of
-- such an order with its personal fields NULL, so a re-delivery or a re-fetch never brings the
-- data back. It holds ids only, never the data.
CREATE TABLE IF NOT EXISTS etl_privacy_erasure (
  customerOrderId BIGINT NOT NULL,
  erased_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (customerOrderId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
