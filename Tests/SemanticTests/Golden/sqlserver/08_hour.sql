SELECT DATEADD(hour, DATEDIFF(hour, 0, [Transactions].transaction_date), CAST(0 AS DATETIME)) AS [Transactions.transactionDate.hour], COUNT(*) AS [Transactions.count]
FROM [fact_sales_transactions] AS [Transactions]
WHERE ([Transactions].transaction_date >= @P1 AND [Transactions].transaction_date < @P2)
GROUP BY DATEADD(hour, DATEDIFF(hour, 0, [Transactions].transaction_date), CAST(0 AS DATETIME))
ORDER BY [Transactions.transactionDate.hour] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 2025-06-29
-- bind: 2025-06-30
