SELECT COUNT(*) AS [Transactions.count]
FROM [fact_sales_transactions] AS [Transactions]
WHERE [Transactions].unit_price > @P1 AND [Transactions].unit_price <= @P2
ORDER BY [Transactions.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 10
-- bind: 100.5
