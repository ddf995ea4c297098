"""Seed the risk lexicon (admin-editable afterwards): categories with their default level and
trigger phrases (a phrase may carry its own level: ``词语:red``), plus negation and resolution
cues. Words are separated by spaces."""
from django.db import migrations

CATEGORIES = [
    # code, label, default level, triggers
    ("violence", "暴力伤害", "orange", """
        肢体冲突 肢体接触 发生冲突 打架 打了起来 打起来 动手 动起手 大打出手 厮打 扭打 撕打 互殴 斗殴 殴打 打人 推搡 撕扯 拉扯 扇耳光 扇了 耳光 拳打脚踢 拳脚相加 一拳 踢了一脚 踢打 踹
        抓伤 挠伤 打倒在地 打伤 致伤 挨打 打破 打骨折 打肿 鉴定为轻微伤 轻微伤 轻伤:red 重伤:red 头破血流 鼻青脸肿 打砸 砸毁 砸坏 砸烂 砸了 砸碎 毁坏 损毁财物 打砸抢 泼粪 泼油漆
        冲突升级 暴力 家暴 家庭暴力 施暴 虐待 致残:red 打成重伤:red 受伤住院:yellow 故意伤害:red 被打伤 将其打伤 打成轻伤:red 伤人 动粗 踢伤 撞伤对方 抓破 殴打致 打斗
        致其受伤 致使其受伤 一巴掌 巴掌 抓挠 掌掴 揪打 揪住头发 打耳光 拳头 挥拳 用脚踢 持续殴打 围殴:red 群殴:red 殴打致伤 动了手 出手伤人 故意毁坏 推倒在地 将…推倒 把…推倒
        推了…一把 推了…一跤 被打了 被打得 扭扯 抓扯 先吵后打 肢体碰撞 推毁 械斗 流血 举…就打 打了…一巴掌 扇了…耳光 将…打伤 把…打伤 将…殴打 动起手来 打了…一顿 互相推搡 拳脚

        砸门 砸窗 砸玻璃 闯进…砸
    """),
    ("weapon", "持械凶器", "orange", """
        持刀:red 拿刀:red 带刀:red 菜刀:red 砍刀:red 水果刀:red 匕首:red 尖刀:red 持械 械斗:red 棍棒 木棍 铁棍 板砖 酒瓶 凶器 持棍 农药威胁 泼汽油:red
        浇汽油:red 硫酸:red 枪支:red 猎枪:red 砍伤:red 刺伤:red 捅伤:red 砍人:red 手持木棍 挥舞 抄起 持棍棒 挥刀:red 举刀:red 铁锤 榔头 斧头 持斧 剪刀
        镰刀 刀砍 刀伤 持刀威胁:red 举锹 抡起 持锹 挥锹 铁锹…打 锄头…打 拿着…刀:red 拎着…刀:red 举起…凳 拎着拖把 抄起板凳 木棒 铁棒 钢管…打 持铁锹 扛着锄头
    """),
    ("group", "群体聚集", "orange", """
        聚集 纠集 围堵 围攻 围困 堵门 堵路 堵塞道路 拦路 拦车 阻止施工 阻挠施工 阻工 强行阻止 集体上访 集体讨薪 群体性:red 群体事件:red 群体性事件:red 上访人群 拉横幅 拉条幅
        打横幅 静坐 示威 闹事 霸占道路 聚众:red 集体到 集体前往 一同前往 多名村民 众多村民 围住 围在 结伙 抱团 群体性纠纷 堵在 拦截 阻拦施工 强行阻拦 群访 聚在 多名工人 多名业主
        多名群众 集体讨要 集体围堵 聚集在 聚集到 围堵在 堵在门口 上门围堵  冲击政府:red 冲击村委会:red 集体阻挠 阻挡施工 阻止开工 阻止…施工 强行阻工  集体拒 集体维权 集体提出
        集体反映 集体讨 集体去 联合起来 维权群 众多亲友 众多业主 几十人 几十号人 数十人 上百人 一起来讨 带领家属 带着…人 叫上…人  拦阻施工    人头攒动 到场声援 声援
        集体诉求 集体投诉

        越聚越多 喊冤 群体维权 集体拒交物业费 大量会员 大量业主 众多会员
    """),
    ("threat", "极端言行", "orange", """
        扬言 声称要 放狠话 威胁 恐吓 要他好看 给你好看 让他好看 同归于尽:red 拼命:red 拼了 杀了你:red 弄死:red
        杀了他:red 杀人:red 报复 放火:red 烧了:red 炸了:red 纵火:red 血债 鱼死网破:red 不死不休 走着瞧
        不让他好过 极端:red 过激 过激行为 民转刑:red
        要砍 要打死:red 放话 血拼 不得好死 同他拼 跟他拼 以命相搏:red

        找你算账 算账 上门找你 不给钱就 不赔就 否则就 要他的命:red 让他偿命:red 偿命
    """),
    ("suicide", "自杀自伤", "red", """
        轻生 自杀 自尽 寻死 寻短见 以死相逼 以死相胁 以命相逼 喝农药 服农药 喝药 服毒 吞药 割腕 上吊 跳楼 跳河 跳江 跳桥 爬上塔吊 爬塔吊 爬上楼顶 不想活 不活了 死给 自残 自伤 撞墙
        喝下农药 喝了农药 服下 想不开 自焚:red 寻短 一瓶农药 藏了…农药 割脉 投河 卧轨 要跳楼 作出要跳楼

        爬上…楼顶 爬上…塔吊 站上楼顶 站上…楼顶

        跳下去 从…跳下 死在这里 死在你 活着没意思 不如死了 死了算了 安眠药 吞服 楼顶边缘 天台边 楼顶徘徊 楼顶…徘徊 天台…徘徊 塔顶 不想活了 寻死觅活 一死了之
    """),
    ("police", "警情", "yellow", """
        报警 报了警 报案 拨打110 110 打110 出警 民警 警察 公安 派出所 警方 警务 警情 处警 行政拘留:orange 拘留:orange 刑事拘留:red 刑拘:red 立案:orange
        立案侦查:red 治安处罚:orange 治安案件 传唤:orange 取保候审:red 公安机关 训诫
    """),
    ("petition", "信访", "yellow", """
        上访 信访 访民 12345 市长热线 政府热线 热线投诉 市长信箱 信访局 信访办 越级上访:orange 进京:orange 赴省:orange 到北京:orange 网络舆情
        媒体曝光 网上曝光 信访件 交办件 转办件
    """),
    ("death", "非正常死亡", "orange", """
        死亡 身亡 死者 遇难 溺亡 溺水 猝死 意外死亡 非正常死亡:red 当场死亡 抢救无效 不治身亡 尸体 遗体 停尸:red 抬尸:red 丧葬费 死亡赔偿金
    """),
    ("vulnerable", "弱势群体", "yellow", """
        老人 老年人 高龄 年迈 岁老人 残疾 残疾人 智力障碍 精神病 精神疾病 精神障碍 孕妇 怀孕 哺乳期 未成年 未成年人 儿童 幼儿 留守 留守儿童 孤寡 五保户 低保户 低保 独居 瘫痪 卧床 重病
        癌症 尿毒症 失独 困难户 病重 行动不便 孤儿
        七旬 八旬 九旬 古稀 耄耋 智障 聋哑 盲人 病残 患病 体弱多病 老弱

        自闭症 产妇 轮椅 养老院 年幼 幼子 婴儿 少年 未满18周岁 未满十八周岁 阿婆 大爷 大娘 老汉 老太 老伴 二老 老两口 患有 脑梗 脑血栓 偏瘫 病危 丧偶 早逝 寡居 独自抚养 退休 体弱 无劳动能力 丧失劳动能力 绝症 抑郁症
    """),
    ("emotion", "情绪激烈", "yellow", """
        情绪激动 情绪失控 情绪激烈 情绪很大 激烈争吵 争吵不休 大吵 吵得很凶 破口大骂 辱骂 谩骂 对骂 互骂 骂人 叫骂 恶语相向 互不相让 僵持不下 剑拔弩张 火药味 针锋相对 矛盾激化 一触即发
        不依不饶 哭闹 撒泼 大闹 争执不下 争执升级 言语冲突 情绪对立 对立情绪 矛盾尖锐 情绪不稳 不可开交 火气很大 大吵大闹 恶言相向 怒骂 争吵 吵了起来 吵起来 吵架 吵嘴 不和 闹僵 翻脸 反目
        闹翻 哭诉 大骂 骂了 气不过 发火 动怒 暴躁 言语激烈 互相指责 相互指责 骂骂咧咧 拍桌子 情绪很激动 闹情绪
    """),
    ("chronic", "长期反复", "yellow", """
        屡次 多次协商未果 多次调解未果 两级调解未果 多方调解未果 多次调解无果 调解均未成功 均调解未果 积怨 宿怨 积怨已久 由来已久 历史遗留 遗留问题 多年未决 久拖未决 久调不决 旧怨 老矛盾
        多次发生 再次发生 矛盾不断 纠缠不休 矛盾多年 纠纷多年 持续多年 多年来 多年未 长期存在 长期以来 长期不和 反复发生 反复纠缠 反复上门 反复投诉 反复争吵 多次发生争执 多次引发 屡调不成
        多次协商无果 调解多次 先后多次 几经调解 纠纷长达 矛盾长达 年之久 久拖不决 长年累月 多年的矛盾 争了…年 争执…年 争吵…年 吵了…年 闹了…年 拖了…年 讨了…年 持续…年 已有…年 对峙…年
        矛盾…年 一拖…年 年不说话 互不往来 不相往来 形同陌路 口角不断 争执不断 争吵不断 摩擦不断 纠纷不断 小争执不断 多次…无果 多次…未果 多次…没有结果 几次…没谈拢 调过…未果 调了几次
        多次催讨 多次催要 多次讨要 多次催款 多次上门 多次找 多次反映 多次沟通无果 反复多次 无数次 一拖再拖 常为 经常发生 时常发生 争执多年 争吵多年 吵了多年 多年说不清 闹过矛盾 历时
    """),
]
# negation cues: before a trigger in the same clause (a few words apart at most)
NEGATIONS = "险些 差点 差一点 几乎 眼看 担心 以防 防范 一旦 唯恐 生怕 害怕 未 未曾 没有 没 并未 并没有 无 均无 暂无 不曾 从未 未再 尚未 未能 未予 避免 防止 以免 没让 不得 禁止 不要 切勿 杜绝 谨防 未造成 未发生"
# resolution cues: cancel the category's triggers in the same clause, and the earlier clauses of
# the same sentence (“双方发生推搡，经劝解已和好。”); none for suicide: an attempt talked down
# (“被劝下”) is still a sign
RESOLUTIONS = {
    "violence": "已和好 握手言和 重归于好 已赔礼道歉 已道歉 当场和解 和好如初",
    "emotion": "已和好 握手言和 重归于好 已赔礼道歉 已道歉 情绪平复 情绪稳定 冷静下来 心平气和 平息 已平息 已化解 消除隔阂",
    "threat": "已和好 已赔礼道歉 收回 表示不再 承诺不再 保证不再 已平息",
    "group": "已散去 自行散去 劝离 已劝返 劝返 已疏散 已平息 恢复秩序",
}


def seed(apps, schema_editor):
    RiskCategory = apps.get_model("intake", "RiskCategory")
    RiskPhrase = apps.get_model("intake", "RiskPhrase")
    for i, (code, label, level, words) in enumerate(CATEGORIES):
        cat, _ = RiskCategory.objects.get_or_create(code=code, defaults=dict(label=label, level=level, sort_order=i * 10))
        seen = set()
        for item in words.split():
            phrase, _, lv = item.partition(":")
            if phrase in seen:
                continue
            seen.add(phrase)
            RiskPhrase.objects.get_or_create(category=cat, phrase=phrase, kind="trigger", defaults={"level": lv})
        for phrase in RESOLUTIONS.get(code, "").split():
            RiskPhrase.objects.get_or_create(category=cat, phrase=phrase, kind="resolution")
    for phrase in NEGATIONS.split():
        RiskPhrase.objects.get_or_create(category=None, phrase=phrase, kind="negation")


def unseed(apps, schema_editor):
    apps.get_model("intake", "RiskCategory").objects.all().delete()
    apps.get_model("intake", "RiskPhrase").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
