-- ods.walmart_return_tracking: the tracking history of every return line, every event the
-- newest version of the return lists. eventSeq is the event's 1-based position in the list (the
-- key, always present); order a history by sequenceNo (the API's order, which need not be the
-- list's). account: the seller.
CREATE TABLE IF NOT EXISTS walmart_return_tracking (
  returnOrderId VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  returnOrderLineNumber INT NOT NULL,
  eventSeq INT NOT NULL,
  sequenceNo BIGINT NULL,
  eventTag VARCHAR(100) NULL,
  eventDescription VARCHAR(500) NULL,
  eventTime DATETIME(3) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (returnOrderId, returnOrderLineNumber, eventSeq),
  KEY ix_walmart_return_tracking_seq (returnOrderId, returnOrderLineNumber, sequenceNo)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
