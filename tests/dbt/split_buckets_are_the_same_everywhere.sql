-- A split's groups come from a bucket in [0, 100) of a hash (macro hex_bucket over dbt.hash): the same text gets the
-- same bucket on every engine and in every run. The expected buckets are the first six hex digits of the text's md5
-- modulo 100, computed outside the warehouse (Python's hashlib). Returns the texts whose bucket differs.
with

examples as (
    select
        'q4:seg_x:p1' as hashed_text,
        95 as expected_bucket
    union all
    select
        'q4:seg_x:p2' as hashed_text,
        66 as expected_bucket
    union all
    select
        'salt:seg_new_product_upsell:6cfd8f25ee5cc06c665424dee351026b' as hashed_text,
        65 as expected_bucket
    union all
    select
        '' as hashed_text,
        96 as expected_bucket
    union all
    select
        'é-ünïcode' as hashed_text,
        34 as expected_bucket
),

hashed as (
    select
        hashed_text,
        expected_bucket,
        {{ dbt.hash('hashed_text') }} as digest
    from examples
),

final as (
    select
        hashed_text,
        expected_bucket,
        {{ cdp.hex_bucket('digest') }} as bucket
    from hashed
)

select * from final
where bucket <> expected_bucket
