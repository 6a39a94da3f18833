SELECT DATEADD(month, DATEDIFF(month, 0, [Transactions].transaction_date), CAST(0 AS DATETIME)) AS [Transactions.transactionDate.month], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
GROUP BY DATEADD(month, DATEDIFF(month, 0, [Transactions].transaction_date), CAST(0 AS DATETIME))
ORDER BY [Transactions.transactionDate.month] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
