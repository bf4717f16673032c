"""HTTP layer of the Publisher API: input serializers, thin views, and the read/write dispatcher."""
