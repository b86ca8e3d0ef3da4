-- Refunds not settled yet: a returned line refunded to the buyer (refundedQty > 0) whose order
-- line has no Refund row in any settlement report of its account yet. It should appear in the
-- report of the period it was refunded in; one still here after that report is loaded is worth
-- asking Walmart about. Run in the ODS database; @account: one account's, NULL or unset: all.
SELECT l.account, l.returnOrderId, l.returnOrderLineNumber, l.purchaseOrderId,
       l.purchaseOrderLineNumber, l.sku, l.refundedQty, l.statusTime AS refunded_at,
       (SELECT ROUND(SUM(c.chargePerUnit * l.refundedQty), 2) FROM walmart_return_charge c
        WHERE c.returnOrderId = l.returnOrderId
          AND c.returnOrderLineNumber = l.returnOrderLineNumber) AS refunded
FROM walmart_return_line l
WHERE l.refundedQty > 0
  AND (@account IS NULL OR l.account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin)
  AND NOT EXISTS (SELECT 1 FROM walmart_recon_row r
                  WHERE r.purchaseOrderId = l.purchaseOrderId
                    AND r.purchaseOrderLineNumber = l.purchaseOrderLineNumber
                    AND r.account <=> l.account
                    AND r.transaction_type = 'Refund')
ORDER BY l.account, l.statusTime, l.returnOrderId, l.returnOrderLineNumber
