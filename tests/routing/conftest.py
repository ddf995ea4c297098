import pytest

from tiaojie.orgs.models import Organization, OrgKind

TRADES = {"medical": "医疗纠纷", "labour": "劳动争议", "family": "婚姻家庭", "property": "物业管理",
          "environment": "环境保护", "land": "土地纠纷",
          "consumer": "消费者权益", "ip": "知识产权", "tourism": "旅游", "internet": "电子商务"}


@pytest.fixture
def trades(world):
    """One trade committee per seeded trade rule in 卫东区 (道路交通 is in the world already)."""
    out = {"traffic": world.orgs["traffic"]}
    for key, trade in TRADES.items():
        out[key] = Organization.objects.create(
            name=f"卫东区{trade}人民调解委员会", abbr=f"卫东{key}", kind=OrgKind.TRADE, trade=trade,
            region=world.regions["weidong"], parent=world.orgs["weidong"])
    return out
