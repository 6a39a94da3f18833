SELECT COUNT(*) AS "Products.count"
FROM "dim_product" AS "Products"
WHERE "Products".unit_price >= ? AND "Products".unit_price < ?
ORDER BY "Products.count" DESC
LIMIT 10000
-- bind: 20
-- bind: 200
