-- Transaction type dimension (DESIGN.md): SALE and FREE count +1, RETURN and DAMAGE -1.
select
    CAST(type_id AS SMALLINT) as transaction_type_id,
    CAST(code AS {{ text_type() }}) as code,
    CAST(name AS {{ text_type() }}) as name,
    CAST(sign AS SMALLINT) as sign
from {{ ref('stg_transaction_types') }}
