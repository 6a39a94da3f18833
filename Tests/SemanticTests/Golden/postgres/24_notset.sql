SELECT COUNT(*) AS "Products.count"
FROM "dim_product" AS "Products"
WHERE "Products".unit_volume IS NULL
ORDER BY "Products.count" DESC
LIMIT 10000
