SELECT DATEADD(quarter, DATEDIFF(quarter, 0, [Transactions].transaction_date), CAST(0 AS DATETIME)) AS [Transactions.transactionDate.quarter], SUM([Transactions].gross_amount) AS [Transactions.grossSales]
FROM [fact_sales_transactions] AS [Transactions]
GROUP BY DATEADD(quarter, DATEDIFF(quarter, 0, [Transactions].transaction_date), CAST(0 AS DATETIME))
ORDER BY [Transactions.transactionDate.quarter] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
