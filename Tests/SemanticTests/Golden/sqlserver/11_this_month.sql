SELECT SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
WHERE ([Transactions].transaction_date >= @P1 AND [Transactions].transaction_date < @P2)
ORDER BY [Transactions.netSales] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 2025-06-01
-- bind: 2025-07-01
