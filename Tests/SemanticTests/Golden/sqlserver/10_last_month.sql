SELECT DATEADD(day, DATEDIFF(day, 0, [Transactions].transaction_date), CAST(0 AS DATETIME)) AS [Transactions.transactionDate.day], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
WHERE ([Transactions].transaction_date >= @P1 AND [Transactions].transaction_date < @P2)
GROUP BY DATEADD(day, DATEDIFF(day, 0, [Transactions].transaction_date), CAST(0 AS DATETIME))
ORDER BY [Transactions.transactionDate.day] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 2025-05-01
-- bind: 2025-06-01
