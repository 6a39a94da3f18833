SELECT [Customers].state AS [Customers.state], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_customer] AS [Customers] ON [Transactions].customer_id = [Customers].customer_id
GROUP BY [Customers].state
ORDER BY [Transactions.netSales] DESC
OFFSET 0 ROWS FETCH NEXT 3 ROWS ONLY
-- total:
SELECT COUNT(*) AS [total] FROM (
SELECT [Customers].state AS [Customers.state], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_customer] AS [Customers] ON [Transactions].customer_id = [Customers].customer_id
GROUP BY [Customers].state
) AS [q]
