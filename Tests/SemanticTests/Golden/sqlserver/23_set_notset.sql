SELECT [Products].category AS [Products.category], COUNT(*) AS [Products.count]
FROM [dim_product] AS [Products]
WHERE [Products].unit_volume IS NOT NULL AND [Products].launch_date IS NOT NULL
GROUP BY [Products].category
ORDER BY [Products.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
