SELECT DATEADD(day, (DATEDIFF(day, 0, [Transactions].transaction_date) / 7) * 7, CAST(0 AS DATETIME)) AS [Transactions.transactionDate.week], COUNT(*) AS [Transactions.count]
FROM [fact_sales_transactions] AS [Transactions]
WHERE ([Transactions].transaction_date >= @P1 AND [Transactions].transaction_date < @P2)
GROUP BY DATEADD(day, (DATEDIFF(day, 0, [Transactions].transaction_date) / 7) * 7, CAST(0 AS DATETIME))
ORDER BY [Transactions.transactionDate.week] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 2025-05-01
-- bind: 2025-06-01
