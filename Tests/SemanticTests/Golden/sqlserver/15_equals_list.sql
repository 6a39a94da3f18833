SELECT [Customers].zone AS [Customers.zone], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_customer] AS [Customers] ON [Transactions].customer_id = [Customers].customer_id
WHERE [Customers].zone IN (@P1, @P2)
GROUP BY [Customers].zone
ORDER BY [Transactions.netSales] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: North
-- bind: South
