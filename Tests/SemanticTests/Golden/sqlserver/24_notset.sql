SELECT COUNT(*) AS [Products.count]
FROM [dim_product] AS [Products]
WHERE [Products].unit_volume IS NULL
ORDER BY [Products.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
