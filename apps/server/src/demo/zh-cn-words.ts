// Word lists for realistic mainland-China data: names with their pinyin, a real subset of
// provinces, cities and districts, company name parts, industries, lead sources and follow-up
// sentences. Shared by the demo company and the benchmark generator.

/** Common surnames with a rough frequency weight (王李张刘陈 lead, as in the census). */
export const surnames: ReadonlyArray<readonly [string, string, number]> = [
  ['王', 'wang', 72], ['李', 'li', 70], ['张', 'zhang', 66], ['刘', 'liu', 53], ['陈', 'chen', 45], ['杨', 'yang', 34], ['黄', 'huang', 24],
  ['赵', 'zhao', 20], ['吴', 'wu', 20], ['周', 'zhou', 19], ['徐', 'xu', 14], ['孙', 'sun', 14], ['马', 'ma', 12], ['朱', 'zhu', 12],
  ['胡', 'hu', 11], ['郭', 'guo', 11], ['何', 'he', 10], ['高', 'gao', 10], ['林', 'lin', 10], ['罗', 'luo', 9], ['郑', 'zheng', 9],
  ['梁', 'liang', 9], ['谢', 'xie', 7], ['宋', 'song', 7], ['唐', 'tang', 7], ['许', 'xu', 6], ['韩', 'han', 6], ['冯', 'feng', 6],
  ['邓', 'deng', 6], ['曹', 'cao', 6], ['彭', 'peng', 6], ['曾', 'zeng', 5], ['肖', 'xiao', 5], ['田', 'tian', 5], ['董', 'dong', 5],
  ['袁', 'yuan', 5], ['潘', 'pan', 4], ['蒋', 'jiang', 4], ['蔡', 'cai', 4], ['余', 'yu', 4], ['杜', 'du', 4], ['叶', 'ye', 4],
  ['程', 'cheng', 4], ['苏', 'su', 4], ['魏', 'wei', 4], ['吕', 'lv', 4], ['丁', 'ding', 3], ['任', 'ren', 3], ['沈', 'shen', 3],
  ['姚', 'yao', 3], ['卢', 'lu', 3], ['钟', 'zhong', 3], ['汪', 'wang', 3], ['范', 'fan', 3], ['金', 'jin', 3], ['方', 'fang', 3],
  ['欧阳', 'ouyang', 1], ['司马', 'sima', 0.3], ['上官', 'shangguan', 0.2],
];

export const givenMale: ReadonlyArray<readonly [string, string]> = [
  ['伟', 'wei'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['勇', 'yong'], ['杰', 'jie'], ['涛', 'tao'], ['斌', 'bin'], ['超', 'chao'],
  ['明', 'ming'], ['刚', 'gang'], ['平', 'ping'], ['辉', 'hui'], ['鹏', 'peng'], ['华', 'hua'], ['飞', 'fei'], ['鑫', 'xin'], ['波', 'bo'],
  ['宁', 'ning'], ['健', 'jian'], ['俊', 'jun'], ['浩', 'hao'], ['宇', 'yu'], ['轩', 'xuan'], ['博', 'bo'], ['文', 'wen'], ['志', 'zhi'],
  ['建', 'jian'], ['国', 'guo'], ['海', 'hai'], ['峰', 'feng'], ['晨', 'chen'], ['子', 'zi'], ['嘉', 'jia'], ['德', 'de'], ['天', 'tian'],
];
export const givenFemale: ReadonlyArray<readonly [string, string]> = [
  ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['艳', 'yan'], ['娟', 'juan'], ['霞', 'xia'], ['燕', 'yan'],
  ['玲', 'ling'], ['婷', 'ting'], ['雪', 'xue'], ['慧', 'hui'], ['颖', 'ying'], ['琳', 'lin'], ['晶', 'jing'], ['欣', 'xin'], ['怡', 'yi'],
  ['萱', 'xuan'], ['佳', 'jia'], ['悦', 'yue'], ['月', 'yue'], ['梅', 'mei'], ['红', 'hong'], ['倩', 'qian'], ['晓', 'xiao'], ['雨', 'yu'],
  ['思', 'si'], ['涵', 'han'], ['诗', 'shi'], ['秀', 'xiu'], ['兰', 'lan'],
];

/** A real subset of mainland provinces, their cities (short name for company names) and districts. */
export const regions: ReadonlyArray<{ province: string; cities: ReadonlyArray<{ city: string; short: string; districts: readonly string[] }> }> = [
  { province: '北京市', cities: [{ city: '北京市', short: '北京', districts: ['朝阳区', '海淀区', '东城区', '西城区', '丰台区', '通州区'] }] },
  { province: '上海市', cities: [{ city: '上海市', short: '上海', districts: ['浦东新区', '徐汇区', '静安区', '黄浦区', '闵行区', '长宁区'] }] },
  { province: '天津市', cities: [{ city: '天津市', short: '天津', districts: ['和平区', '河西区', '南开区', '滨海新区'] }] },
  { province: '重庆市', cities: [{ city: '重庆市', short: '重庆', districts: ['渝中区', '江北区', '南岸区', '渝北区'] }] },
  {
    province: '广东省',
    cities: [
      { city: '广州市', short: '广州', districts: ['天河区', '越秀区', '海珠区', '番禺区', '白云区'] },
      { city: '深圳市', short: '深圳', districts: ['南山区', '福田区', '罗湖区', '宝安区', '龙岗区'] },
      { city: '佛山市', short: '佛山', districts: ['禅城区', '南海区', '顺德区'] },
      { city: '东莞市', short: '东莞', districts: ['南城街道', '东城街道', '长安镇', '虎门镇'] },
    ],
  },
  {
    province: '浙江省',
    cities: [
      { city: '杭州市', short: '杭州', districts: ['西湖区', '上城区', '拱墅区', '滨江区', '余杭区', '萧山区'] },
      { city: '宁波市', short: '宁波', districts: ['海曙区', '鄞州区', '北仑区', '江北区'] },
      { city: '温州市', short: '温州', districts: ['鹿城区', '瓯海区', '龙湾区'] },
    ],
  },
  {
    province: '江苏省',
    cities: [
      { city: '南京市', short: '南京', districts: ['玄武区', '秦淮区', '建邺区', '鼓楼区', '江宁区'] },
      { city: '苏州市', short: '苏州', districts: ['姑苏区', '吴中区', '相城区', '虎丘区', '吴江区'] },
      { city: '无锡市', short: '无锡', districts: ['梁溪区', '滨湖区', '新吴区'] },
    ],
  },
  { province: '四川省', cities: [{ city: '成都市', short: '成都', districts: ['锦江区', '青羊区', '武侯区', '成华区', '金牛区'] }] },
  { province: '湖北省', cities: [{ city: '武汉市', short: '武汉', districts: ['江岸区', '武昌区', '洪山区', '汉阳区'] }] },
  {
    province: '山东省',
    cities: [
      { city: '济南市', short: '济南', districts: ['历下区', '市中区', '槐荫区'] },
      { city: '青岛市', short: '青岛', districts: ['市南区', '市北区', '黄岛区', '崂山区'] },
    ],
  },
  {
    province: '福建省',
    cities: [
      { city: '福州市', short: '福州', districts: ['鼓楼区', '台江区', '仓山区'] },
      { city: '厦门市', short: '厦门', districts: ['思明区', '湖里区', '集美区'] },
    ],
  },
  { province: '河南省', cities: [{ city: '郑州市', short: '郑州', districts: ['金水区', '中原区', '二七区'] }] },
  { province: '湖南省', cities: [{ city: '长沙市', short: '长沙', districts: ['岳麓区', '芙蓉区', '天心区', '开福区'] }] },
  { province: '陕西省', cities: [{ city: '西安市', short: '西安', districts: ['雁塔区', '碑林区', '未央区', '新城区'] }] },
];

export const streets = ['人民路', '解放路', '中山路', '建设路', '长江路', '和平路', '科技路', '文化路', '新华路', '东风路', '南京路', '学院路'] as const;

/** Company trade names (字号) with pinyin, for names and web domains. */
export const tradeNames: ReadonlyArray<readonly [string, string]> = [
  ['华信', 'huaxin'], ['恒达', 'hengda'], ['瑞丰', 'ruifeng'], ['鼎盛', 'dingsheng'], ['博远', 'boyuan'], ['天成', 'tiancheng'], ['新锐', 'xinrui'],
  ['宏图', 'hongtu'], ['金桥', 'jinqiao'], ['远航', 'yuanhang'], ['嘉禾', 'jiahe'], ['立信', 'lixin'], ['盛世', 'shengshi'], ['汇通', 'huitong'],
  ['云帆', 'yunfan'], ['海纳', 'haina'], ['万邦', 'wanbang'], ['中润', 'zhongrun'], ['星辰', 'xingchen'], ['启明', 'qiming'], ['泰和', 'taihe'],
  ['永信', 'yongxin'], ['凯盛', 'kaisheng'], ['佳和', 'jiahe'], ['同创', 'tongchuang'], ['卓越', 'zhuoyue'], ['长青', 'changqing'], ['东方', 'dongfang'],
  ['安捷', 'anjie'], ['明德', 'mingde'], ['华瑞', 'huarui'], ['晨光', 'chenguang'], ['创新', 'chuangxin'], ['众诚', 'zhongcheng'], ['和信', 'hexin'],
  ['联创', 'lianchuang'], ['百川', 'baichuan'], ['亿达', 'yida'], ['德隆', 'delong'], ['兴业', 'xingye'],
];

/** Industry word in the company name → the industry recorded on the customer. */
export const businessLines: ReadonlyArray<readonly [string, string]> = [
  ['科技', '信息技术'], ['信息技术', '信息技术'], ['软件', '信息技术'], ['电子', '制造业'], ['机械', '制造业'], ['精密制造', '制造业'],
  ['贸易', '批发零售'], ['商贸', '批发零售'], ['食品', '食品饮料'], ['建材', '建筑业'], ['建设工程', '建筑业'], ['医疗器械', '医疗健康'],
  ['生物科技', '医疗健康'], ['物流', '物流运输'], ['供应链管理', '物流运输'], ['服饰', '纺织服装'], ['化工', '化工'], ['环保科技', '环保'],
  ['教育科技', '教育培训'], ['文化传媒', '文化传媒'], ['餐饮管理', '餐饮酒店'], ['新能源', '能源'],
];

export const companySizes = ['1-19人', '20-99人', '100-499人', '500-999人', '1000人以上'] as const;
export const sources = ['官网咨询', '展会', '老客户转介绍', '电话营销', '百度推广', '微信公众号', '抖音', '合作伙伴', '线下活动', '阿里巴巴'] as const;
export const occupations = ['工程师', '教师', '医生', '个体经营', '公务员', '设计师', '会计', '销售经理', '自由职业', '律师'] as const;
export const contactTitles = ['总经理', '采购经理', '采购专员', '技术总监', '财务经理', '行政主管', '副总经理', '项目经理', '董事长'] as const;
export const emailDomains = ['163.com', 'qq.com', '126.com', 'sina.com', 'foxmail.com', 'aliyun.com'] as const;

/** Valid mainland mobile prefixes (China Mobile, Unicom, Telecom, and the 19x ranges). */
export const mobilePrefixes = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159',
  '173', '175', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189', '191', '193', '195', '198', '199',
] as const;

export type Channel = 'phone' | 'visit' | 'email' | 'wechat' | 'sms' | 'meeting' | 'web';
export const channelWeights: ReadonlyArray<readonly [Channel, number]> = [
  ['phone', 40], ['wechat', 25], ['visit', 12], ['email', 10], ['meeting', 6], ['sms', 4], ['web', 3],
];

export const followUpSentences: Record<Channel, readonly string[]> = {
  phone: [
    '电话沟通了报价，客户表示需要内部讨论。', '客户询问交货周期，已告知约两周。', '电话回访，客户对上次服务满意。', '客户暂时没有采购计划，下月再联系。',
    '电话确认了合同条款，客户同意付款方式。', '客户反馈产品使用中的小问题，已安排技术支持。', '电话无人接听，稍后再打。', '与采购经理约好下周上门演示。',
  ],
  wechat: ['微信发送了产品资料和价格表。', '客户在微信上确认已收到样品。', '微信沟通了新品上市活动，客户有兴趣。', '客户微信询问发票开具进度。'],
  visit: ['上门拜访采购负责人，介绍了新产品线。', '到客户工厂实地考察，了解生产需求。', '拜访客户总经理，商谈年度框架协议。', '现场演示系统功能，客户反馈良好。'],
  email: ['邮件发送正式报价单。', '邮件回复客户关于发票的问题。', '邮件寄送年度合作方案，待客户回复。', '邮件确认了发货时间和收货地址。'],
  meeting: ['参加客户年度供应商大会。', '与客户技术团队开会讨论方案细节。', '季度业务回顾会议，客户计划增加订单。'],
  sms: ['短信提醒客户合同即将到期。', '短信通知客户发货单号。'],
  web: ['客户通过官网留言咨询价格。', '客户在线提交了试用申请。'],
};
export const followUpSentencesEn: readonly string[] = [
  'Called to discuss the renewal; they will decide next month.', 'Sent the quotation by email.', 'Visited their office and demoed the new product line.',
  'They asked about delivery times; told them about two weeks.', 'Follow-up call, no answer; will try again.', 'Quarterly review meeting went well.',
];
export const outcomes = ['有意向', '需再跟进', '已报价', '已成交', '暂无需求', '无人接听', '已安排演示'] as const;

/** English customers: some foreign companies and people who deal with Chinese firms. */
export const englishFirstNames = ['James', 'Emma', 'Oliver', 'Sophia', 'Daniel', 'Olivia', 'Michael', 'Grace', 'David', 'Lucy', 'Thomas', 'Anna'] as const;
export const englishLastNames = ['Smith', 'Miller', 'Brown', 'Wilson', 'Taylor', 'Clark', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Green'] as const;
export const englishCompanyWords = ['Bluewater', 'Northwind', 'Silverline', 'Brightpath', 'Redwood', 'Summit', 'Harbor', 'Evergreen', 'Keystone', 'Lakeside'] as const;
export const englishCompanyKinds = ['Trading', 'Consulting', 'Logistics', 'Technologies', 'Foods', 'Industrial', 'Design'] as const;
