-- Money per account, one row each: sales, refunds, commission, fees, net and payout.
-- Run in the ODS database (USE ods). @account: that account's row only
-- (SET @account = 'brand-us'); NULL or never set: every account. The same on MariaDB and MySQL.
-- (walmart-etl report money runs this file.)
--   sales       what buyers were charged for the order lines that are not cancelled: every
--               charge of walmart_order_charge, tax excluded (Walmart collects and remits it)
--   refunds     what was refunded of returned lines: walmart_return_charge's per-unit charges
--               times the line's refundedQty, tax excluded
--   commission  Walmart's commission as settled (walmart_recon_row, amount types
--               'Commission on ...', given back on a refund); positive = paid by the seller
--   fees        every other settled amount that is neither a price, a tax nor a commission
--               (Fee/Reimbursement, adjustments, fees of no order); positive = paid by the seller
--   net         sales - refunds - commission - fees
--   payout      the Total Payable of every settlement report (walmart_recon_file)
-- Amounts of one currency per account (a US seller is paid in USD).
SELECT a.account,
       COALESCE(s.sales, 0.00) AS sales,
       COALESCE(r.refunds, 0.00) AS refunds,
       COALESCE(w.commission, 0.00) AS commission,
       COALESCE(w.fees, 0.00) AS fees,
       COALESCE(s.sales, 0.00) - COALESCE(r.refunds, 0.00) - COALESCE(w.commission, 0.00)
         - COALESCE(w.fees, 0.00) AS net,
       COALESCE(p.payout, 0.00) AS payout
FROM (SELECT account FROM walmart_order
      WHERE @account IS NULL OR account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin
      UNION
      SELECT account FROM walmart_return_line
      WHERE @account IS NULL OR account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin
      UNION
      SELECT account FROM walmart_recon_file
      WHERE @account IS NULL OR account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin) a
LEFT JOIN (SELECT o.account, SUM(c.chargeAmount) AS sales
           FROM walmart_order o
           JOIN walmart_order_charge c
             ON c.purchaseOrderId = o.purchaseOrderId AND c.lineNumber = o.lineNumber
           WHERE COALESCE(o.orderLineStatus, '') <> 'Cancelled'
             AND (@account IS NULL
                  OR o.account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin)
           GROUP BY o.account) s ON s.account <=> a.account
LEFT JOIN (SELECT l.account, ROUND(SUM(c.chargePerUnit * l.refundedQty), 2) AS refunds
           FROM walmart_return_line l
           JOIN walmart_return_charge c
             ON c.returnOrderId = l.returnOrderId
            AND c.returnOrderLineNumber = l.returnOrderLineNumber
           WHERE l.refundedQty > 0
             AND (@account IS NULL
                  OR l.account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin)
           GROUP BY l.account) r ON r.account <=> a.account
LEFT JOIN (SELECT account,
                  SUM(CASE WHEN amount_type LIKE 'Commission%' THEN -amount ELSE 0 END)
                    AS commission,
                  SUM(CASE WHEN amount_type LIKE 'Commission%' OR amount_type LIKE '%Price'
                             OR amount_type LIKE '%tax%' THEN 0 ELSE -amount END) AS fees
           FROM walmart_recon_row
           WHERE @account IS NULL
              OR account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin
           GROUP BY account) w ON w.account <=> a.account
LEFT JOIN (SELECT account, SUM(total_payable) AS payout
           FROM walmart_recon_file
           WHERE @account IS NULL
              OR account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin
           GROUP BY account) p ON p.account <=> a.account
ORDER BY a.account
