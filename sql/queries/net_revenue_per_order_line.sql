-- Net revenue of every order line: sales - refunds - commission - fees, the terms as in
-- money_summary.sql, for one line each (a fee of no order line is not in any line: see the
-- summary). Run in the ODS database; @account: one account's lines, NULL or unset: all.
-- A line cancelled as a whole has no sales; its settled rows (if any) still count.
SELECT x.account, x.purchaseOrderId, x.lineNumber, x.sku, x.orderLineStatus,
       x.sales, x.refunds, x.commission, x.fees,
       x.sales - x.refunds - x.commission - x.fees AS net
FROM (SELECT o.account, o.purchaseOrderId, o.lineNumber, o.sku, o.orderLineStatus,
             CASE WHEN COALESCE(o.orderLineStatus, '') = 'Cancelled' THEN 0.00
                  ELSE COALESCE((SELECT SUM(c.chargeAmount) FROM walmart_order_charge c
                                 WHERE c.purchaseOrderId = o.purchaseOrderId
                                   AND c.lineNumber = o.lineNumber), 0.00) END AS sales,
             COALESCE((SELECT ROUND(SUM(rc.chargePerUnit * rl.refundedQty), 2)
                       FROM walmart_return_line rl
                       JOIN walmart_return_charge rc
                         ON rc.returnOrderId = rl.returnOrderId
                        AND rc.returnOrderLineNumber = rl.returnOrderLineNumber
                       WHERE rl.purchaseOrderId = o.purchaseOrderId
                         AND rl.purchaseOrderLineNumber = o.lineNumber
                         AND rl.refundedQty > 0), 0.00) AS refunds,
             COALESCE((SELECT SUM(-r.amount) FROM walmart_recon_row r
                       WHERE r.purchaseOrderId = o.purchaseOrderId
                         AND r.purchaseOrderLineNumber = o.lineNumber
                         AND r.account <=> o.account
                         AND r.amount_type LIKE 'Commission%'), 0.00) AS commission,
             COALESCE((SELECT SUM(-r.amount) FROM walmart_recon_row r
                       WHERE r.purchaseOrderId = o.purchaseOrderId
                         AND r.purchaseOrderLineNumber = o.lineNumber
                         AND r.account <=> o.account
                         AND NOT (COALESCE(r.amount_type, '') LIKE 'Commission%'
                                  OR COALESCE(r.amount_type, '') LIKE '%Price'
                                  OR COALESCE(r.amount_type, '') LIKE '%tax%')), 0.00) AS fees
      FROM walmart_order o
      WHERE @account IS NULL
         OR o.account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin) x
ORDER BY x.account, x.purchaseOrderId, x.lineNumber
