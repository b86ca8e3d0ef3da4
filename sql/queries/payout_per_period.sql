-- The payout of every settlement report, reconciled: its rows' sum against the report's Total
-- Payable (difference 0.00 for every report the writer accepted). Run in the ODS database;
-- @account: one account's reports, NULL or unset: all.
SELECT f.account, f.report_date, f.period_start, f.period_end, f.currency,
       f.total_payable AS payout, COALESCE(SUM(r.amount), 0) AS rows_sum,
       f.total_payable - COALESCE(SUM(r.amount), 0) AS difference, f.payout_at
FROM walmart_recon_file f
LEFT JOIN walmart_recon_row r ON r.account = f.account AND r.report_date = f.report_date
WHERE @account IS NULL OR f.account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin
GROUP BY f.account, f.report_date, f.period_start, f.period_end, f.currency, f.total_payable,
         f.payout_at
ORDER BY f.account, f.report_date
