SELECT COUNT(*) AS [Transactions.count]
FROM [fact_sales_transactions] AS [Transactions]
WHERE ([Transactions].transaction_date >= @P1 AND [Transactions].transaction_date < @P2)
ORDER BY [Transactions.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 2025-04-01
-- bind: 2025-05-01
