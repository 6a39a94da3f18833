SELECT [Products].category AS [Products.category], AVG([Products].unit_price) AS [Products.averageUnitPrice]
FROM [dim_product] AS [Products]
GROUP BY [Products].category
ORDER BY [Products.category] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
