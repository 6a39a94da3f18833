SELECT "Products".category AS "Products.category", AVG("Products".unit_price) AS "Products.averageUnitPrice"
FROM "dim_product" AS "Products"
GROUP BY "Products".category
ORDER BY "Products.category" ASC
LIMIT 10000
