-- The report scripts/demo.sh prints, read from database ods. Plain SQL that runs unchanged on
-- MariaDB and MySQL (a test runs every statement on both, and checks that none leaves a warning).
SELECT account, COUNT(DISTINCT purchaseOrderId) AS orders, COUNT(*) AS order_lines
FROM walmart_order GROUP BY account ORDER BY account;
SELECT orderLineStatus, COUNT(*) AS order_lines
FROM walmart_order GROUP BY orderLineStatus ORDER BY order_lines DESC;
SELECT DATE(o.orderDate_formatted) AS day_utc, c.currency, SUM(c.chargeAmount) AS revenue,
       COUNT(DISTINCT c.purchaseOrderId) AS orders
FROM walmart_order_charge c JOIN walmart_order o USING (purchaseOrderId, lineNumber)
GROUP BY day_utc, c.currency ORDER BY day_utc;
SELECT c.account, c.currency, SUM(c.chargeAmount) AS revenue,
       COUNT(DISTINCT c.purchaseOrderId) AS orders
FROM walmart_order_charge c GROUP BY c.account, c.currency ORDER BY c.account;
SELECT (SELECT COUNT(*) FROM walmart_order_raw) AS raw_orders,
       (SELECT COUNT(*) FROM walmart_order_dead_letter) AS dead_letters;
SELECT purchaseOrderId, JSON_VALUE(payload, '$.customerOrderId') AS customerOrderId,
       LENGTH(payload) AS json_bytes
FROM walmart_order_raw_json ORDER BY purchaseOrderId LIMIT 3;
