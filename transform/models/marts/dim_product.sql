-- Product dimension (DESIGN.md): one row per product. is_active is true unless the
-- export says 'inactive' (a missing status counts as active, as the column's default).
select
    CAST(product_id AS INTEGER) as product_id,
    CAST(sku AS {{ text_type() }}) as sku,
    CAST(product_name AS {{ text_type() }}) as product_name,
    CAST(brand AS {{ text_type() }}) as brand,
    CAST(category AS {{ text_type() }}) as category,
    CAST(sub_category AS {{ text_type() }}) as sub_category,
    CAST(mrp AS DECIMAL(12, 2)) as unit_price,
    CAST(unit_weight_kg AS DECIMAL(10, 3)) as unit_weight,
    CAST(unit_volume_l AS DECIMAL(10, 3)) as unit_volume,
    CAST(uom AS {{ text_type() }}) as unit_of_measure,
    CAST(launch_date AS DATE) as launch_date,
    CAST(case when coalesce(status, 'active') = 'active' then 1 else 0 end AS {{ bool_type() }}) as is_active
from {{ ref('stg_products') }}
