SELECT COUNT(*) AS [Products.count]
FROM [dim_product] AS [Products]
WHERE [Products].unit_price >= @P1 AND [Products].unit_price < @P2
ORDER BY [Products.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 20
-- bind: 200
